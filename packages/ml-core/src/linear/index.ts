export { LogisticRegression, logisticRegressionParams, SOLVERS, type LogisticRegressionParams } from "./logistic-regression";
export { LinearRegression, linearRegressionParams, type LinearRegressionParams } from "./linear-regression";
export { Ridge, ridgeParams, type RidgeParams } from "./ridge";
export { ElasticNet, Lasso, elasticNetParams, lassoParams, type ElasticNetParams, type LassoParams } from "./elastic-net";
export { LINEAR_ALGORITHMS } from "./specs";
