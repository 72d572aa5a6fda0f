export * from "./random-forest";
export * from "./gradient-boosting";
export * from "./hist-gradient-boosting";
export * from "./xgboost";
export { BoostedModel } from "./boosted";
export * from "./specs";
export { resolveMaxFeatures, type MaxFeatures } from "./params";
export { binOnce, shutdownTreeWorkers, treeWorkerCount } from "./parallel";
