import type { AlgorithmSpec } from "../core/estimator";
import { MLPClassifier, MLPRegressor, mlpModelSize, mlpParams } from "./mlp";

const space = {
  alpha: { type: "float", low: 1e-6, high: 1e-1, log: true },
  learning_rate_init: { type: "float", low: 1e-4, high: 1e-1, log: true },
  activation: { type: "categorical", choices: ["relu", "tanh", "logistic"] },
} as const;

/** A study's step on an MLP: ten epochs (20 steps at the default max_iter of 200). */
const EPOCHS_STEP = { every: 10, unit: "epochs" } as const;

/** The neural algorithms the service offers (see registry.ts). */
export const NEURAL_ALGORITHMS: readonly AlgorithmSpec[] = [
  {
    name: "MLPClassifier",
    task: "classification",
    description: "Multi-layer perceptron classifier trained with Adam on TensorFlow.js, like scikit-learn's MLPClassifier.",
    params: mlpParams,
    scale: true,
    searchSpace: space,
    modelSize: mlpModelSize("classification"),
    budgetStep: EPOCHS_STEP,
    create: (p) => new MLPClassifier(p),
    restore: (s) => MLPClassifier.fromState(s),
  },
  {
    name: "MLPRegressor",
    task: "regression",
    description: "Multi-layer perceptron regressor trained with Adam on TensorFlow.js, like scikit-learn's MLPRegressor.",
    params: mlpParams,
    scale: true,
    searchSpace: space,
    modelSize: mlpModelSize("regression"),
    budgetStep: EPOCHS_STEP,
    create: (p) => new MLPRegressor(p),
    restore: (s) => MLPRegressor.fromState(s),
  },
];
