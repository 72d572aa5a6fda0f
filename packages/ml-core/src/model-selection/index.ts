export * from "./train-test-split";
export * from "./k-fold";
