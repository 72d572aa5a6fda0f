import type { AlgorithmSpec } from "../core/estimator";
import { ElasticNet, Lasso, elasticNetParams, lassoParams } from "./elastic-net";
import { LinearRegression, linearRegressionParams } from "./linear-regression";
import { LogisticRegression, logisticRegressionParams } from "./logistic-regression";
import { Ridge, ridgeParams } from "./ridge";

const alphaSpace = { alpha: { type: "float", low: 1e-4, high: 100, log: true } } as const;

/** The linear algorithms the service offers (see registry.ts). */
export const LINEAR_ALGORITHMS: readonly AlgorithmSpec[] = [
  {
    name: "LogisticRegression",
    task: "classification",
    description: "Regularised logistic regression (l1, l2, elastic-net or none), multinomial for more than two classes; like scikit-learn's LogisticRegression.",
    params: logisticRegressionParams,
    scale: true,
    searchSpace: {
      C: { type: "float", low: 0.001, high: 100, log: true },
      // Every penalty with saga, the one solver that takes them all: no trial proposes a pair the
      // estimator refuses. Here saga runs L-BFGS for l2 and none, as lbfgs does, so nothing is
      // lost. The original design's penalty x solver space stays accepted as an explicit search_space.
      penalty: { type: "categorical", choices: ["l1", "l2", "elasticnet", null] },
      solver: { type: "categorical", choices: ["saga"] },
      max_iter: { type: "int", low: 100, high: 1000 },
      l1_ratio: { type: "float", low: 0, high: 1, condition: { param: "penalty", in: ["elasticnet"] } },
    },
    create: (p) => new LogisticRegression(p),
    restore: (s) => LogisticRegression.fromState(s),
  },
  {
    name: "LinearRegression",
    task: "regression",
    description: "Ordinary least squares, solved exactly (normal equations, Cholesky in float64).",
    params: linearRegressionParams,
    scale: true,
    searchSpace: { fit_intercept: { type: "categorical", choices: [true, false] } },
    create: (p) => new LinearRegression(p),
    restore: (s) => LinearRegression.fromState(s),
  },
  {
    name: "Ridge",
    task: "regression",
    description: "Least squares with an L2 penalty, solved exactly.",
    params: ridgeParams,
    scale: true,
    searchSpace: alphaSpace,
    create: (p) => new Ridge(p),
    restore: (s) => Ridge.fromState(s),
  },
  {
    name: "Lasso",
    task: "regression",
    description: "Least squares with an L1 penalty (sparse coefficients), by coordinate descent.",
    params: lassoParams,
    scale: true,
    searchSpace: alphaSpace,
    create: (p) => new Lasso(p),
    restore: (s) => Lasso.fromState(s),
  },
  {
    name: "ElasticNet",
    task: "regression",
    description: "Least squares with combined L1 and L2 penalties, by coordinate descent.",
    params: elasticNetParams,
    scale: true,
    searchSpace: { ...alphaSpace, l1_ratio: { type: "float", low: 0.05, high: 1 } },
    create: (p) => new ElasticNet(p),
    restore: (s) => ElasticNet.fromState(s),
  },
];
