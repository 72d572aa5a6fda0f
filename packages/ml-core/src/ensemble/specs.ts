import type { AlgorithmSpec } from "../core/estimator";
import type { SearchSpace } from "../core/search-space";
import { GRADIENT_BOOSTING_CLASSIFIER_PARAMS, GRADIENT_BOOSTING_REGRESSOR_PARAMS, GradientBoostingClassifier, GradientBoostingRegressor, type GradientBoostingClassifierParams, type GradientBoostingRegressorParams } from "./gradient-boosting";
import { HIST_GRADIENT_BOOSTING_CLASSIFIER_PARAMS, HIST_GRADIENT_BOOSTING_REGRESSOR_PARAMS, HistGradientBoostingClassifier, HistGradientBoostingRegressor, type HistGradientBoostingClassifierParams, type HistGradientBoostingRegressorParams } from "./hist-gradient-boosting";
import { XGB_CLASSIFIER_PARAMS, XGB_REGRESSOR_PARAMS, XGBClassifier, XGBRegressor, type XGBClassifierParams, type XGBRegressorParams } from "./xgboost";
import { RANDOM_FOREST_CLASSIFIER_PARAMS, RANDOM_FOREST_REGRESSOR_PARAMS, RandomForestClassifier, RandomForestRegressor, type RandomForestClassifierParams, type RandomForestRegressorParams } from "./random-forest";

/** The default search space of both random forests. */
export const RANDOM_FOREST_SPACE: SearchSpace = {
  n_estimators: { type: "int", low: 50, high: 500 },
  max_depth: { type: "int", low: 3, high: 20 },
  min_samples_split: { type: "int", low: 2, high: 20 },
  min_samples_leaf: { type: "int", low: 1, high: 10 },
  max_features: { type: "categorical", choices: ["sqrt", "log2", null] },
};

/** The default search space of both gradient boosting estimators. */
export const GRADIENT_BOOSTING_SPACE: SearchSpace = {
  n_estimators: { type: "int", low: 50, high: 500 },
  learning_rate: { type: "float", low: 0.001, high: 0.3, log: true },
  max_depth: { type: "int", low: 3, high: 10 },
  subsample: { type: "float", low: 0.5, high: 1.0 },
};

/** The default search space of both histogram gradient boosting estimators. */
export const HIST_GRADIENT_BOOSTING_SPACE: SearchSpace = {
  learning_rate: { type: "float", low: 0.01, high: 0.3, log: true },
  max_leaf_nodes: { type: "int", low: 8, high: 128, log: true },
  min_samples_leaf: { type: "int", low: 5, high: 100, log: true },
  l2_regularization: { type: "float", low: 1e-8, high: 10, log: true },
  max_iter: { type: "int", low: 50, high: 500 },
};

/** The default search space of both XGBoost estimators (issue 17). */
export const XGB_SPACE: SearchSpace = {
  learning_rate: { type: "float", low: 0.01, high: 0.3, log: true },
  max_depth: { type: "int", low: 3, high: 10 },
  min_child_weight: { type: "float", low: 1, high: 10, log: true },
  subsample: { type: "float", low: 0.5, high: 1.0 },
  colsample_bytree: { type: "float", low: 0.5, high: 1.0 },
  reg_lambda: { type: "float", low: 1e-3, high: 10, log: true },
  reg_alpha: { type: "float", low: 1e-3, high: 10, log: true },
  n_estimators: { type: "int", low: 50, high: 500 },
};

/** A study's step on gradient boosting (all three kinds): ten boosting rounds. */
const BOOSTING_STEP = { every: 10, unit: "boosting rounds" } as const;

/** A study's step on a random forest: ten more trees. */
const FOREST_STEP = { every: 10, unit: "trees" } as const;

/** The ensemble algorithms the service offers (see registry.ts). */
export const ENSEMBLE_ALGORITHMS: readonly AlgorithmSpec[] = [
  {
    name: "RandomForestClassifier",
    task: "classification",
    description: "Random forest of histogram trees on bootstrap samples; robust default for tabular data, gives probabilities and feature importances.",
    params: RANDOM_FOREST_CLASSIFIER_PARAMS,
    scale: false,
    searchSpace: RANDOM_FOREST_SPACE,
    budgetStep: FOREST_STEP,
    create: (params: RandomForestClassifierParams) => new RandomForestClassifier(params),
    restore: (state) => RandomForestClassifier.restore(state),
  },
  {
    name: "RandomForestRegressor",
    task: "regression",
    description: "Random forest of histogram regression trees (squared error) on bootstrap samples.",
    params: RANDOM_FOREST_REGRESSOR_PARAMS,
    scale: false,
    searchSpace: RANDOM_FOREST_SPACE,
    budgetStep: FOREST_STEP,
    create: (params: RandomForestRegressorParams) => new RandomForestRegressor(params),
    restore: (state) => RandomForestRegressor.restore(state),
  },
  {
    name: "GradientBoostingClassifier",
    task: "classification",
    description: "Gradient boosting of shallow regression trees on the log loss (one tree per class per round for multiclass); strong on tabular data.",
    params: GRADIENT_BOOSTING_CLASSIFIER_PARAMS,
    scale: false,
    searchSpace: GRADIENT_BOOSTING_SPACE,
    budgetStep: BOOSTING_STEP,
    create: (params: GradientBoostingClassifierParams) => new GradientBoostingClassifier(params),
    restore: (state) => GradientBoostingClassifier.restore(state),
  },
  {
    name: "GradientBoostingRegressor",
    task: "regression",
    description: "Gradient boosting of shallow regression trees with squared, absolute or huber loss.",
    params: GRADIENT_BOOSTING_REGRESSOR_PARAMS,
    scale: false,
    searchSpace: GRADIENT_BOOSTING_SPACE,
    budgetStep: BOOSTING_STEP,
    create: (params: GradientBoostingRegressorParams) => new GradientBoostingRegressor(params),
    restore: (state) => GradientBoostingRegressor.restore(state),
  },
  {
    name: "HistGradientBoostingClassifier",
    task: "classification",
    description: "Histogram gradient boosting (LightGBM-style, best-first leaves, native missing values, early stopping on large data); fastest boosting for large tables.",
    params: HIST_GRADIENT_BOOSTING_CLASSIFIER_PARAMS,
    scale: false,
    searchSpace: HIST_GRADIENT_BOOSTING_SPACE,
    budgetStep: BOOSTING_STEP,
    create: (params: HistGradientBoostingClassifierParams) => new HistGradientBoostingClassifier(params),
    restore: (state) => HistGradientBoostingClassifier.restore(state),
  },
  {
    name: "HistGradientBoostingRegressor",
    task: "regression",
    description: "Histogram gradient boosting regressor (squared error), best-first leaves, native missing values, early stopping on large data.",
    params: HIST_GRADIENT_BOOSTING_REGRESSOR_PARAMS,
    scale: false,
    searchSpace: HIST_GRADIENT_BOOSTING_SPACE,
    budgetStep: BOOSTING_STEP,
    create: (params: HistGradientBoostingRegressorParams) => new HistGradientBoostingRegressor(params),
    restore: (state) => HistGradientBoostingRegressor.restore(state),
  },
  {
    name: "XGBClassifier",
    task: "classification",
    description: "XGBoost-style boosting (hist): XGBoost's parameter names, defaults and formulas (L1/L2 leaf penalties, gamma, min_child_weight), learned missing-value direction, depthwise or lossguide growth, row and column subsampling.",
    params: XGB_CLASSIFIER_PARAMS,
    scale: false,
    searchSpace: XGB_SPACE,
    budgetStep: BOOSTING_STEP,
    create: (params: XGBClassifierParams) => new XGBClassifier(params),
    restore: (state) => XGBClassifier.restore(state),
  },
  {
    name: "XGBRegressor",
    task: "regression",
    description: "XGBoost-style boosting (hist) on the squared error, with XGBoost's parameter names, defaults and formulas.",
    params: XGB_REGRESSOR_PARAMS,
    scale: false,
    searchSpace: XGB_SPACE,
    budgetStep: BOOSTING_STEP,
    create: (params: XGBRegressorParams) => new XGBRegressor(params),
    restore: (state) => XGBRegressor.restore(state),
  },
];
