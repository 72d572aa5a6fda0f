export * from "./train-test-split";
export * from "./k-fold";
export * from "./numpy-random-state";
