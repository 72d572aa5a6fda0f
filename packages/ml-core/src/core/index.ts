export * from "./matrix";
export * from "./rng";
export * from "./errors";
export * from "./hyperparams";
export * from "./search-space";
export * from "./estimator";
