import { isStageEnd, type EstimatorState, type FitOptions } from "../core/estimator";
import { custom, defineParams, float, int, oneOf } from "../core/hyperparams";
import { take, type Matrix } from "../core/matrix";
import { matrixColumns, type ColumnSource } from "../core/column-source";
import { DataError } from "../core/errors";
import { Rng } from "../core/rng";
import { checkXy } from "../core/check-input";
import { countClasses } from "../core/classes";
import { randomStateParam, resolveSeed } from "../core/seed";
import { NumpyRandomState } from "../model-selection/numpy-random-state";
import { trainTestSplit } from "../model-selection/train-test-split";
import { z } from "zod";
import { addBinnedTree, type TreeArrays } from "../tree/flat-tree";
import { addLeaves, growTree, treeArrays, type GrowOptions, type GrownTree } from "../tree/grow";
import { BoostedModel, refitEachStage, runToEnd, type BoostedSoFar } from "./boosted";
import { binColumnsParallel, binDataParallel, startHistTeam } from "./parallel";
import { ExpBuffer, logisticGradients } from "./exp-buffer";
import { applyBinsToColumns, BIN_SUBSAMPLE, type BinnedData } from "../tree/binner";
import { classPriorRaw, logLoss } from "./losses";
import { maxDepthParam } from "./params";

const common = {
  learning_rate: float({ default: 0.1, min: 0, exclusiveMin: true, description: "Shrinks each tree's contribution." }),
  max_iter: int({ default: 100, min: 1, max: 10000, description: "Most boosting rounds." }),
  max_leaf_nodes: custom(z.number().int().min(2).nullable() as z.ZodType<number | null>, {
    type: "int | null",
    min: 2,
    default: 31,
    description: "Most leaves per tree, grown best-first (largest gain first); null grows depth-first without a limit.",
  }),
  max_depth: maxDepthParam(null),
  min_samples_leaf: int({ default: 20, min: 1, description: "Fewest rows in each leaf." }),
  l2_regularization: float({ default: 0, min: 0, description: "L2 penalty on leaf values." }),
  max_bins: int({ default: 255, min: 2, max: 255, description: "Non-missing bins per feature (missing values get their own)." }),
  early_stopping: oneOf(["auto", true, false] as const, { default: "auto", description: '"auto" stops early when there are more than 10,000 rows.' }),
  validation_fraction: float({ default: 0.1, min: 0, max: 1, exclusiveMin: true, description: "Share of rows held out to decide early stopping." }),
  n_iter_no_change: int({ default: 10, min: 1, description: "Rounds without a validation loss improvement of `tol` before stopping." }),
  tol: float({ default: 1e-7, min: 0, description: "Least improvement of the validation loss that counts." }),
  random_state: randomStateParam(),
};

/** Hyperparameters of HistGradientBoostingClassifier, with scikit-learn's defaults. */
export const HIST_GRADIENT_BOOSTING_CLASSIFIER_PARAMS = defineParams({
  ...common,
  loss: oneOf(["log_loss"] as const, { default: "log_loss", description: "Binomial / multinomial log loss." }),
});

/** Hyperparameters of HistGradientBoostingRegressor, with scikit-learn's defaults. */
export const HIST_GRADIENT_BOOSTING_REGRESSOR_PARAMS = defineParams({
  ...common,
  loss: oneOf(["squared_error"] as const, { default: "squared_error", description: "Loss to minimise." }),
});

/** Validated HistGradientBoostingClassifier hyperparameters. */
export type HistGradientBoostingClassifierParams = ReturnType<typeof HIST_GRADIENT_BOOSTING_CLASSIFIER_PARAMS.parse>;
/** Validated HistGradientBoostingRegressor hyperparameters. */
export type HistGradientBoostingRegressorParams = ReturnType<typeof HIST_GRADIENT_BOOSTING_REGRESSOR_PARAMS.parse>;

type Common = HistGradientBoostingClassifierParams | HistGradientBoostingRegressorParams;

/** What differs between the classifier and the regressor: raw columns, gradients, loss. */
interface Objective {
  readonly cols: number;
  init(y: Float64Array): Float64Array;
  /** Negative gradient and hessian of column `c` for every row (hess undefined = all ones). */
  gradients(y: Float64Array, raw: Float64Array, c: number, g: Float64Array, h: Float64Array): boolean;
  /** Called once per round before `gradients`. */
  prepare(raw: Float64Array): void;
  loss(y: Float64Array, raw: Float64Array): number;
}

function classification(k: number, n: number): Objective {
  const cols = k === 2 ? 1 : k;
  // with k > 2 classes, the softmax probabilities (rows x k) in its values
  const softmax = cols === 1 ? undefined : new ExpBuffer(n * cols);
  let exp: ExpBuffer | undefined;
  return {
    cols,
    init: (y) => classPriorRaw(y, k),
    prepare: (raw) => {
      // logisticGradients computes the binary probabilities
      softmax?.softmax(raw, k);
    },
    gradients: (y, raw, c, g, h) => {
      // the binary log loss's: g = y - p, h = max(p (1 - p), 1e-16), p = sigmoid(raw)
      if (cols === 1) exp = logisticGradients(exp, y, raw, 1, g, h);
      else classGradients(y, softmax!.values, k, c, g, h);
      return true;
    },
    loss: (y, raw) => logLoss(y, raw, k),
  };
}

/** Negative gradient and hessian of the log loss for class c of k, from softmax probabilities (rows x k). */
function classGradients(y: Float64Array, prob: Float64Array, k: number, c: number, g: Float64Array, h: Float64Array): void {
  for (let i = 0; i < y.length; i++) {
    const p = prob[i * k + c]!;
    g[i] = (y[i] === c ? 1 : 0) - p;
    h[i] = Math.max(p * (1 - p), 1e-16);
  }
}

function squaredError(n: number): Objective {
  return {
    cols: 1,
    init: (y) => Float64Array.of(y.reduce((a, b) => a + b, 0) / y.length),
    prepare: () => {},
    gradients: (y, raw, _c, g) => {
      for (let i = 0; i < n; i++) g[i] = y[i]! - raw[i]!;
      return false;
    },
    loss: (y, raw) => {
      let s = 0;
      for (let i = 0; i < y.length; i++) s += 0.5 * (y[i]! - raw[i]!) ** 2;
      return s / y.length;
    },
  };
}

/**
 * The boosting loop shared by both estimators, pausing (yielding the model so far) after every
 * `every` rounds unless it is the last; returns trees, init and rounds run.
 */
function* boostStages(X: ColumnSource, y: Float64Array, p: Common, makeObjective: (n: number) => Objective, stratify: boolean, options: FitOptions | undefined, every: number): Generator<BoostedSoFar, BoostedSoFar, void> {
  checkXy(X, y);
  const seed = resolveSeed(p.random_state);
  const rng = new Rng(seed);
  const early = p.early_stopping === "auto" ? X.rows > 10_000 : p.early_stopping;
  let Xtr = X, ytr = y, Xval: ColumnSource | undefined, yval: Float64Array | undefined;
  if (early) {
    const { train: tr, validation: val } = validationSplit(y, p.validation_fraction, stratify, seed);
    Xtr = X.take(tr);
    ytr = take(y, tr);
    Xval = X.take(val);
    yval = take(y, val);
  }
  const n = Xtr.rows;
  const data = binTraining(Xtr, p.max_bins, rng.fork());
  const obj = makeObjective(n);
  const cols = obj.cols;
  const init = obj.init(ytr);
  const raw = new Float64Array(n * cols);
  for (let i = 0; i < n; i++) raw.set(init, i * cols);
  const valObj = yval ? makeObjective(yval.length) : undefined;
  const rawVal = Xval ? new Float64Array(Xval.rows * cols) : undefined;
  if (rawVal) for (let i = 0; i < Xval!.rows; i++) rawVal.set(init, i * cols);
  const losses: number[] = valObj ? [valObj.loss(yval!, rawVal!)] : [];
  // the held-out rows binned once: each new tree finds their leaves from one byte per value
  const valCodes = Xval ? applyBinsToColumns(Xval, data) : undefined;

  const grow: GrowOptions = {
    maxDepth: p.max_depth ?? Infinity,
    minSamplesSplit: 2,
    minSamplesLeaf: p.min_samples_leaf,
    maxFeatures: X.cols,
    maxLeafNodes: p.max_leaf_nodes ?? 0,
    minHessianLeaf: 1e-3,
    sparseHistograms: true,
  };
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const identity = new Int32Array(n);
  for (let i = 0; i < n; i++) identity[i] = i;
  const trees: TreeArrays[] = [];
  let iter = 0;
  // large data: histograms built by pool threads too (same trees without them)
  const team = startHistTeam(data);
  try {
    for (; iter < p.max_iter; iter++) {
      obj.prepare(raw);
      const grown: GrownTree[] = [];
      for (let c = 0; c < cols; c++) {
        const useHess = obj.gradients(ytr, raw, c, g, h);
        // each tree keeps its own row order (its leaves' ranges) until the round is applied
        const sample = Int32Array.from(identity);
        const tree = growTree(data, { kind: "grad", g, ...(useHess ? { h } : {}), l2: p.l2_regularization }, sample, grow, undefined, team);
        grown.push(tree);
      }
      // apply after all columns of the round were grown from the same raw scores
      grown.forEach((tree, c) => {
        for (let node = 0; node < tree.value.length; node++) tree.value[node]! *= p.learning_rate;
        addLeaves(tree, raw, cols, c);
        trees.push(treeArrays(tree));
      });
      options?.onProgress?.(iter + 1, p.max_iter);
      if (valObj) {
        trees.slice(-cols).forEach((tree, c) => addBinnedTree(tree, data, valCodes!, Xval!.rows, rawVal!, cols, c));
        losses.push(valObj.loss(yval!, rawVal!));
        if (shouldStop(losses, p.n_iter_no_change, p.tol)) {
          iter++;
          break;
        }
      }
      if (isStageEnd(iter + 1, every, p.max_iter)) yield { trees, init, nIter: iter + 1 };
    }
  } finally {
    team?.stop();
  }
  return { trees, init, nIter: iter };
}

/**
 * The binned training rows: up to `BIN_SUBSAMPLE` rows (all of them binned, pool threads helping)
 * from their matrix; above, one feature column at a time (read by this thread, binned with pool
 * threads helping), so that a large table is binned without its whole float64 matrix. The same
 * codes and edges either way.
 */
function binTraining(X: ColumnSource, maxBins: number, rng: Rng): BinnedData {
  return X.rows <= BIN_SUBSAMPLE ? binDataParallel(X.toMatrix(), maxBins, rng) : binColumnsParallel(X, maxBins, rng);
}

/** `X` as a ColumnSource (a matrix is wrapped, not copied). */
function asColumns(X: Matrix | ColumnSource): ColumnSource {
  return "column" in X ? X : matrixColumns(X);
}

/**
 * Held-out rows for early stopping, the very split scikit-learn's estimator makes for the same
 * `random_state`: it draws a seed from `RandomState(random_state)` (`randint(2**32 - 1)`) and calls
 * `train_test_split(test_size=fraction, stratify=y for classifiers, random_state=seed)`. A class too
 * small to stratify (one row) falls back to an unstratified split instead of failing. Both index
 * lists are returned sorted.
 */
export function validationSplit(y: Float64Array, fraction: number, stratify: boolean, randomState: number): { train: Int32Array; validation: Int32Array } {
  const np = new NumpyRandomState(randomState >>> 0);
  let seed: number;
  do seed = np.nextUint32();
  while (seed > 0xfffffffe);
  let split;
  try {
    split = trainTestSplit(y.length, { testSize: fraction, randomState: seed, ...(stratify ? { stratify: y } : {}) });
  } catch (e) {
    if (!(e instanceof DataError) || !stratify) throw e;
    split = trainTestSplit(y.length, { testSize: fraction, randomState: seed });
  }
  return { train: split.train.sort(), validation: split.test.sort() };
}

/**
 * scikit-learn's rule: stop when none of the last `n` losses beats the one before them by `tol`.
 * @param losses validation losses, the first before any tree.
 */
export function shouldStop(losses: readonly number[], n: number, tol: number): boolean {
  if (losses.length <= n) return false;
  const reference = losses[losses.length - n - 1]!;
  for (let i = losses.length - n; i < losses.length; i++) if (losses[i]! < reference - tol) return false;
  return true;
}

/**
 * Histogram gradient boosting classifier after LightGBM and scikit-learn: features binned once
 * (at most 255 bins, missing values in their own bin with a learned direction), trees grown
 * best-first on gradient/hessian histograms with sibling subtraction, early stopping on a held-out
 * share when there are more than 10,000 rows.
 * See https://scikit-learn.org/stable/modules/generated/sklearn.ensemble.HistGradientBoostingClassifier.html
 */
export class HistGradientBoostingClassifier extends BoostedModel<HistGradientBoostingClassifierParams> {
  readonly algorithm = "HistGradientBoostingClassifier";
  static readonly paramSchema = HIST_GRADIENT_BOOSTING_CLASSIFIER_PARAMS;

  protected parse(): HistGradientBoostingClassifierParams {
    return HIST_GRADIENT_BOOSTING_CLASSIFIER_PARAMS.parse(this.params);
  }

  /** Fits as `fit(X.toMatrix(), y)`, binning X a column at a time (`Estimator.fitColumns`). */
  async fitColumns(X: ColumnSource, y: Float64Array, options?: FitOptions): Promise<this> {
    return runToEnd(this.boost(X, y, Infinity, options));
  }

  protected boost(Xs: Matrix | ColumnSource, y: Float64Array, every: number, options?: FitOptions): Generator<number, this, void> {
    const X = asColumns(Xs);
    const p = this.parse();
    const k = countClasses(y, options?.nClasses);
    const stages = boostStages(X, y, p, (n) => classification(k, n), true, options, every);
    return refitEachStage(stages, (b) => this.fitted(b.trees, b.init, X.cols, k, b.nIter));
  }

  /** Class probabilities, rows x classes. */
  predictProba(X: Matrix): Matrix {
    return this.proba(X);
  }

  /** Rebuilds a fitted classifier from `toState()`. */
  static restore(state: EstimatorState): HistGradientBoostingClassifier {
    return new HistGradientBoostingClassifier(state.params as never).load(state);
  }
}

/**
 * Histogram gradient boosting regressor (squared error); see HistGradientBoostingClassifier.
 * See https://scikit-learn.org/stable/modules/generated/sklearn.ensemble.HistGradientBoostingRegressor.html
 */
export class HistGradientBoostingRegressor extends BoostedModel<HistGradientBoostingRegressorParams> {
  readonly algorithm = "HistGradientBoostingRegressor";
  static readonly paramSchema = HIST_GRADIENT_BOOSTING_REGRESSOR_PARAMS;

  protected parse(): HistGradientBoostingRegressorParams {
    return HIST_GRADIENT_BOOSTING_REGRESSOR_PARAMS.parse(this.params);
  }

  /** Fits as `fit(X.toMatrix(), y)`, binning X a column at a time (`Estimator.fitColumns`). */
  async fitColumns(X: ColumnSource, y: Float64Array, options?: FitOptions): Promise<this> {
    return runToEnd(this.boost(X, y, Infinity, options));
  }

  protected boost(Xs: Matrix | ColumnSource, y: Float64Array, every: number, options?: FitOptions): Generator<number, this, void> {
    const X = asColumns(Xs);
    const p = this.parse();
    const stages = boostStages(X, y, p, squaredError, false, options, every);
    return refitEachStage(stages, (b) => this.fitted(b.trees, b.init, X.cols, 0, b.nIter));
  }

  /** Rebuilds a fitted regressor from `toState()`. */
  static restore(state: EstimatorState): HistGradientBoostingRegressor {
    return new HistGradientBoostingRegressor(state.params as never).load(state);
  }
}
