import { isStageEnd, type EstimatorState, type FitOptions } from "../core/estimator";
import { defineParams, float, int, oneOf } from "../core/hyperparams";
import type { Matrix } from "../core/matrix";
import { Rng } from "../core/rng";
import { checkXy } from "../core/check-input";
import { countClasses } from "../core/classes";
import { randomStateParam, resolveSeed } from "../core/seed";
import type { BinnedData } from "../tree/binner";
import { TreeEnsemble, type TreeArrays } from "../tree/flat-tree";
import { addLeaves, growTree, treeArrays, type GrowOptions, type GrownTree } from "../tree/grow";
import type { HistTeam } from "../tree/hist-team";
import { BoostedModel, refitEachStage, type BoostedSoFar } from "./boosted";
import { binDataParallel, startHistTeam } from "./parallel";
import { ExpBuffer } from "./exp-buffer";
import { classPriorRaw, REGRESSION_LOSSES, sigmoid, type LossState } from "./losses";
import { maxDepthParam, maxFeaturesParam, resolveMaxFeatures } from "./params";

const common = {
  n_estimators: int({ default: 100, min: 1, max: 10000, description: "Boosting rounds." }),
  learning_rate: float({ default: 0.1, min: 0, exclusiveMin: true, description: "Shrinks each tree's contribution." }),
  max_depth: maxDepthParam(3),
  subsample: float({ default: 1, min: 0, max: 1, exclusiveMin: true, description: "Fraction of rows drawn (without replacement) for each round." }),
  min_samples_split: int({ default: 2, min: 2, description: "Fewest rows a node needs to be split." }),
  min_samples_leaf: int({ default: 1, min: 1, description: "Fewest rows in each leaf." }),
  max_features: maxFeaturesParam(null),
  random_state: randomStateParam(),
};

/** Hyperparameters of GradientBoostingClassifier, with scikit-learn's defaults. */
export const GRADIENT_BOOSTING_CLASSIFIER_PARAMS = defineParams({
  ...common,
  loss: oneOf(["log_loss"] as const, { default: "log_loss", description: "Binomial / multinomial deviance." }),
});

/** Hyperparameters of GradientBoostingRegressor, with scikit-learn's defaults. */
export const GRADIENT_BOOSTING_REGRESSOR_PARAMS = defineParams({
  ...common,
  loss: oneOf(["squared_error", "absolute_error", "huber"] as const, { default: "squared_error", description: "Loss to minimise." }),
  alpha: float({ default: 0.9, min: 0, max: 1, exclusiveMin: true, description: "Quantile of the residuals where huber turns linear." }),
});

/** Validated GradientBoostingClassifier hyperparameters. */
export type GradientBoostingClassifierParams = ReturnType<typeof GRADIENT_BOOSTING_CLASSIFIER_PARAMS.parse>;
/** Validated GradientBoostingRegressor hyperparameters. */
export type GradientBoostingRegressorParams = ReturnType<typeof GRADIENT_BOOSTING_REGRESSOR_PARAMS.parse>;

type Common = GradientBoostingClassifierParams | GradientBoostingRegressorParams;

/** Draws the rows of one round and grows its tree on residuals (friedman_mse = squared error of residuals). */
class Rounds {
  readonly data: BinnedData;
  readonly grow: GrowOptions;
  readonly rng: Rng;
  readonly nSub: number;
  readonly perm: Int32Array;
  /** Pool threads helping with all-feature histograms of large data (same trees without them); `stop()` ends it. */
  readonly team: HistTeam | undefined;

  constructor(X: Matrix, p: Common, seed: number) {
    this.rng = new Rng(seed);
    this.data = binDataParallel(X, 255, this.rng.fork());
    this.grow = {
      maxDepth: p.max_depth ?? Infinity,
      minSamplesSplit: p.min_samples_split,
      minSamplesLeaf: p.min_samples_leaf,
      maxFeatures: resolveMaxFeatures(p.max_features, X.cols),
      maxLeafNodes: 0,
      minHessianLeaf: 0,
      sparseHistograms: true,
    };
    this.nSub = p.subsample < 1 ? Math.max(1, Math.floor(p.subsample * X.rows)) : X.rows;
    this.perm = new Int32Array(X.rows);
    this.team = this.grow.maxFeatures >= X.cols ? startHistTeam(this.data) : undefined;
  }

  /** Releases the helper threads. */
  stop(): void {
    this.team?.stop();
  }

  /** The rows of this round (a fresh array, permuted by growTree). */
  sample(): Int32Array {
    const n = this.perm.length;
    for (let i = 0; i < n; i++) this.perm[i] = i;
    if (this.nSub < n) {
      for (let i = 0; i < this.nSub; i++) {
        const j = i + this.rng.int(n - i);
        const t = this.perm[i]!;
        this.perm[i] = this.perm[j]!;
        this.perm[j] = t;
      }
    }
    return this.perm.slice(0, this.nSub);
  }

  tree(residual: Float64Array, sample: Int32Array): GrownTree {
    return growTree(this.data, { kind: "grad", g: residual, l2: 0 }, sample, this.grow, this.grow.maxFeatures < this.data.cols ? this.rng : undefined, this.team);
  }
}

/**
 * Sets leaf values (times `lr`) from `leafValue` and adds them to `raw[i * stride + col]`: for rows in
 * the sample through their leaf, for the others (subsample < 1) by walking the tree on X.
 */
function applyTree(tree: GrownTree, leafValue: (start: number, end: number) => number, lr: number, raw: Float64Array, stride: number, col: number, X: Matrix, inSample: boolean): void {
  const { feature, value, start, end, rows } = tree;
  for (let node = 0; node < feature.length; node++) if (feature[node]! < 0) value[node] = lr * leafValue(start[node]!, end[node]!);
  addLeaves(tree, raw, stride, col);
  if (!inSample) {
    const seen = new Uint8Array(X.rows);
    for (let r = 0; r < rows.length; r++) seen[rows[r]!] = 1;
    const e = TreeEnsemble.concat([tree], 1, X.cols);
    for (let i = 0; i < X.rows; i++) if (!seen[i]) raw[i * stride + col]! += value[e.leaf(0, X, i)]!;
  }
}

/**
 * The classifier's boosting run (k classes), pausing with the model so far after every `every`
 * rounds unless the last: log-loss residuals, one tree per class and round (one for two classes),
 * leaves set by a Newton step.
 */
function* classifierStages(X: Matrix, y: Float64Array, p: GradientBoostingClassifierParams, k: number, every: number, options: FitOptions | undefined): Generator<BoostedSoFar, BoostedSoFar, void> {
  checkXy(X, y);
  const n = X.rows;
  const cols = k === 2 ? 1 : k;
  const init = classPriorRaw(y, k);
  const rounds = new Rounds(X, p, resolveSeed(p.random_state));
  const raw = new Float64Array(n * cols);
  for (let i = 0; i < n; i++) raw.set(init, i * cols);
  // the probabilities, rows x cols: k > 2 classes' softmax in its values
  const softmax = cols > 1 ? new ExpBuffer(n * cols) : undefined;
  const prob = softmax ? softmax.values : new Float64Array(n);
  const residual = new Float64Array(n);
  const hess = new Float64Array(n);
  const trees: TreeArrays[] = [];
  const newton = (start: number, end: number, rows: Int32Array, scale: number) => {
    let num = 0, den = 0;
    for (let r = start; r < end; r++) {
      const i = rows[r]!;
      num += residual[i]!;
      den += hess[i]!;
    }
    return Math.abs(den) < 1e-150 ? 0 : (scale * num) / den;
  };
  try {
    for (let m = 0; m < p.n_estimators; m++) {
      if (softmax) softmax.softmax(raw, k);
      else for (let i = 0; i < n; i++) prob[i] = sigmoid(raw[i]!);
      const sample = rounds.sample();
      for (let c = 0; c < cols; c++) {
        const target = cols === 1 ? 1 : c;
        for (let i = 0; i < n; i++) {
          const pr = prob[i * cols + c]!;
          residual[i] = (y[i] === target ? 1 : 0) - pr;
          hess[i] = pr * (1 - pr);
        }
        const tree = rounds.tree(residual, sample);
        const scale = cols === 1 ? 1 : (k - 1) / k;
        applyTree(tree, (s, e) => newton(s, e, tree.rows, scale), p.learning_rate, raw, cols, c, X, rounds.nSub === n);
        trees.push(treeArrays(tree));
      }
      options?.onProgress?.(m + 1, p.n_estimators);
      if (isStageEnd(m + 1, every, p.n_estimators)) yield { trees, init, nIter: m + 1 };
    }
  } finally {
    rounds.stop();
  }
  return { trees, init, nIter: p.n_estimators };
}

/**
 * The regressor's boosting run, pausing with the model so far after every `every` rounds unless
 * the last: each round's tree fits the loss's negative gradient, its leaves set by the loss.
 */
function* regressorStages(X: Matrix, y: Float64Array, p: GradientBoostingRegressorParams, every: number, options: FitOptions | undefined): Generator<BoostedSoFar, BoostedSoFar, void> {
  checkXy(X, y);
  const loss = REGRESSION_LOSSES[p.loss];
  const st: LossState = { alpha: p.alpha, gamma: 0 };
  const n = X.rows;
  const init = loss.init(y);
  const rounds = new Rounds(X, p, resolveSeed(p.random_state));
  const raw = new Float64Array(n).fill(init);
  const residual = new Float64Array(n);
  const trees: TreeArrays[] = [];
  const start = Float64Array.of(init);
  try {
    for (let m = 0; m < p.n_estimators; m++) {
      loss.negGradient(y, raw, residual, st);
      const tree = rounds.tree(residual, rounds.sample());
      // leaves own disjoint rows, so each leaf reads raw scores not yet updated by this tree
      applyTree(tree, (s, e) => loss.leafValue(y, raw, residual, tree.rows, s, e, st), p.learning_rate, raw, 1, 0, X, rounds.nSub === n);
      trees.push(treeArrays(tree));
      options?.onProgress?.(m + 1, p.n_estimators);
      if (isStageEnd(m + 1, every, p.n_estimators)) yield { trees, init: start, nIter: m + 1 };
    }
  } finally {
    rounds.stop();
  }
  return { trees, init: start, nIter: p.n_estimators };
}

/**
 * Gradient boosting classifier (Friedman 2001): each round fits depth-limited regression trees to
 * the residuals of the log loss (one tree per class for more than two classes) and sets each
 * leaf by a Newton step; starts from the class priors. Trees split on binned features.
 * See https://scikit-learn.org/stable/modules/generated/sklearn.ensemble.GradientBoostingClassifier.html
 */
export class GradientBoostingClassifier extends BoostedModel<GradientBoostingClassifierParams> {
  readonly algorithm = "GradientBoostingClassifier";
  static readonly paramSchema = GRADIENT_BOOSTING_CLASSIFIER_PARAMS;

  protected parse(): GradientBoostingClassifierParams {
    return GRADIENT_BOOSTING_CLASSIFIER_PARAMS.parse(this.params);
  }

  protected boost(X: Matrix, y: Float64Array, every: number, options?: FitOptions): Generator<number, this, void> {
    const p = this.parse();
    const k = countClasses(y, options?.nClasses);
    return refitEachStage(classifierStages(X, y, p, k, every, options), (b) => this.fitted(b.trees, b.init, X.cols, k, b.nIter));
  }

  /** Class probabilities, rows x classes. */
  predictProba(X: Matrix): Matrix {
    return this.proba(X);
  }

  /** Rebuilds a fitted classifier from `toState()`. */
  static restore(state: EstimatorState): GradientBoostingClassifier {
    return new GradientBoostingClassifier(state.params as never).load(state);
  }
}

/**
 * Gradient boosting regressor (Friedman 2001) with squared, absolute or huber loss; starts from
 * the mean (or median) and fits each round's tree to the residuals, leaves set by the loss.
 * See https://scikit-learn.org/stable/modules/generated/sklearn.ensemble.GradientBoostingRegressor.html
 */
export class GradientBoostingRegressor extends BoostedModel<GradientBoostingRegressorParams> {
  readonly algorithm = "GradientBoostingRegressor";
  static readonly paramSchema = GRADIENT_BOOSTING_REGRESSOR_PARAMS;

  protected parse(): GradientBoostingRegressorParams {
    return GRADIENT_BOOSTING_REGRESSOR_PARAMS.parse(this.params);
  }

  protected boost(X: Matrix, y: Float64Array, every: number, options?: FitOptions): Generator<number, this, void> {
    const p = this.parse();
    return refitEachStage(regressorStages(X, y, p, every, options), (b) => this.fitted(b.trees, b.init, X.cols, 0, b.nIter));
  }

  /** Rebuilds a fitted regressor from `toState()`. */
  static restore(state: EstimatorState): GradientBoostingRegressor {
    return new GradientBoostingRegressor(state.params as never).load(state);
  }
}
