export * from "./classification-metrics";
export { confusionMatrix } from "./confusion-matrix";
export * from "./classification-report";
export * from "./roc-auc";
export * from "./log-loss";
export * from "./regression-metrics";
export * from "./scorers";
