import { fitAllStages, isStageEnd, type EstimatorState, type FitOptions, type StagedEstimator } from "../core/estimator";
import { NotFittedError } from "../core/errors";
import { bool, defineParams, int, oneOf } from "../core/hyperparams";
import type { Matrix } from "../core/matrix";
import { Rng } from "../core/rng";
import { checkCols, checkXy } from "../core/check-input";
import { countClasses } from "../core/classes";
import { classWeights } from "../core/class-weights";
import { randomStateParam, resolveSeed } from "../core/seed";
import { TreeEnsemble, type TreeArrays } from "../tree/flat-tree";
import type { ForestJob } from "./forest-tree";
import { binDataParallel, growForest, shareJob } from "./parallel";
import { StageSums } from "./stage-sums";
import { maxDepthParam, maxFeaturesParam, nJobsParam, resolveJobs, resolveMaxFeatures } from "./params";

const common = {
  n_estimators: int({ default: 100, min: 1, max: 5000, description: "Number of trees." }),
  max_depth: maxDepthParam(null),
  min_samples_split: int({ default: 2, min: 2, description: "Fewest rows a node needs to be split." }),
  min_samples_leaf: int({ default: 1, min: 1, description: "Fewest rows in each leaf." }),
  bootstrap: bool({ default: true, description: "Grow each tree on a bootstrap sample (else on all rows)." }),
  random_state: randomStateParam(),
  n_jobs: nJobsParam(),
};

/** Hyperparameters of RandomForestClassifier, with scikit-learn's defaults. */
export const RANDOM_FOREST_CLASSIFIER_PARAMS = defineParams({
  ...common,
  criterion: oneOf(["gini", "entropy"] as const, { default: "gini", description: "Split quality: Gini impurity or entropy." }),
  max_features: maxFeaturesParam("sqrt"),
  class_weight: oneOf([null, "balanced", "balanced_subsample"] as const, { default: null, description: "Class weights: none, inversely proportional to class frequencies, or the same per bootstrap sample." }),
});

/** Hyperparameters of RandomForestRegressor, with scikit-learn's defaults. */
export const RANDOM_FOREST_REGRESSOR_PARAMS = defineParams({
  ...common,
  criterion: oneOf(["squared_error"] as const, { default: "squared_error", description: "Split quality: squared error." }),
  max_features: maxFeaturesParam(1),
});

/** Validated RandomForestClassifier hyperparameters. */
export type RandomForestClassifierParams = ReturnType<typeof RANDOM_FOREST_CLASSIFIER_PARAMS.parse>;
/** Validated RandomForestRegressor hyperparameters. */
export type RandomForestRegressorParams = ReturnType<typeof RANDOM_FOREST_REGRESSOR_PARAMS.parse>;

type ForestParams = RandomForestClassifierParams | RandomForestRegressorParams;

abstract class BaseForest<P extends ForestParams> implements StagedEstimator {
  abstract readonly algorithm: string;
  /** The forest, concatenated flat arrays. */
  trees_?: TreeEnsemble;
  nFeatures_ = 0;
  /**
   * From a staged fit on (until the next fit or load): the trees' sums so far by input matrix, so
   * that each stage, and the end, scores only the trees it has not summed yet.
   */
  private stageSums?: StageSums;

  constructor(readonly params: Partial<P> = {}) {}

  protected abstract parse(): P;
  protected abstract nClassesOf(y: Float64Array, options?: FitOptions): number;

  async fit(X: Matrix, y: Float64Array, options?: FitOptions): Promise<this> {
    this.stageSums = undefined;
    return fitAllStages(this.grow(X, y, Infinity, options));
  }

  /**
   * Fits in stages of `every` trees (`StagedEstimator`): after each stage the forest is the trees
   * grown so far. Every tree grows from its own seed drawn up front, so the forest at the end is
   * `fit`'s to the bit, whatever `every` and `n_jobs`.
   */
  async *fitStages(X: Matrix, y: Float64Array, every: number, options?: FitOptions): AsyncGenerator<number, this, void> {
    this.stageSums = new StageSums();
    return yield* this.grow(X, y, every, options);
  }

  /** Grows the forest `every` trees at a time (on `n_jobs` threads), pausing after each chunk but the last. */
  private async *grow(X: Matrix, y: Float64Array, every: number, options?: FitOptions): AsyncGenerator<number, this, void> {
    const p = this.parse();
    checkXy(X, y);
    const nClasses = this.nClassesOf(y, options);
    const seed = resolveSeed(p.random_state);
    const master = new Rng(seed);
    const seeds = Array.from({ length: p.n_estimators }, () => master.seed());
    const nJobs = resolveJobs(p.n_jobs);
    const data = binDataParallel(X, 255, master.fork(), nJobs > 1, nJobs - 1);
    const classWeight = "class_weight" in p && p.class_weight === "balanced" ? classWeights(y, nClasses, "balanced") : null;
    const job: ForestJob = {
      data,
      y,
      nClasses,
      criterion: p.criterion,
      classWeight,
      balancedSubsample: "class_weight" in p && p.class_weight === "balanced_subsample",
      bootstrap: p.bootstrap,
      grow: {
        maxDepth: p.max_depth ?? Infinity,
        minSamplesSplit: p.min_samples_split,
        minSamplesLeaf: p.min_samples_leaf,
        maxFeatures: resolveMaxFeatures(p.max_features, X.cols),
        maxLeafNodes: 0,
        minHessianLeaf: 0,
        // regression trees are gradient trees (class trees have no sparse codes)
        sparseHistograms: true,
      },
    };
    // shared once for every chunk's threads
    const shared = nJobs > 1 && every < p.n_estimators ? shareJob(job) : job;
    const trees: TreeArrays[] = [];
    let done = 0;
    const fitted = (): this => {
      this.trees_ = TreeEnsemble.concat(trees, Math.max(nClasses, 1), X.cols);
      this.nFeatures_ = X.cols;
      return this;
    };
    while (trees.length < p.n_estimators) {
      const chunk = seeds.slice(trees.length, Math.min(trees.length + every, p.n_estimators));
      trees.push(...(await growForest(shared, chunk, nJobs, () => options?.onProgress?.(++done, p.n_estimators))));
      if (isStageEnd(trees.length, every, p.n_estimators)) {
        fitted();
        yield trees.length;
      }
    }
    return fitted();
  }

  /** Average of the trees' leaf values: rows x nOut. */
  protected average(X: Matrix): Float64Array {
    const e = this.trees_;
    if (!e) throw new NotFittedError(this.algorithm);
    checkCols(X, this.nFeatures_);
    const start = (): Float64Array => new Float64Array(X.rows * e.nOut);
    const add = (from: number, to: number, sums: Float64Array): void => e.addTrees(from, to, X, sums, e.nOut, () => 0, 1, this.stageSums ? "range" : "ensemble");
    let out: Float64Array;
    if (this.stageSums) out = this.stageSums.sums(X, e.nTrees, start, add);
    else {
      out = start();
      add(0, e.nTrees, out);
    }
    const s = 1 / e.nTrees;
    for (let i = 0; i < out.length; i++) out[i]! *= s;
    return out;
  }

  abstract predict(X: Matrix): Float64Array;

  /** Impurity-based importances per input feature, summing to 1. */
  featureImportances(): Float64Array | undefined {
    return this.trees_?.featureImportances(this.nFeatures_);
  }

  toState(): EstimatorState {
    if (!this.trees_) throw new NotFittedError(this.algorithm);
    return { algorithm: this.algorithm, params: this.parse() as never, state: { nFeatures: this.nFeatures_, trees: this.trees_.toState() } };
  }

  /** Loads learned state saved by `toState`. */
  protected load(state: EstimatorState): this {
    this.nFeatures_ = state.state.nFeatures as number;
    this.trees_ = TreeEnsemble.fromState(state.state.trees as never);
    this.stageSums = undefined;
    return this;
  }
}

/**
 * A random forest classifier (Breiman 2001) of histogram trees: each tree grows on a bootstrap
 * sample, drawing `max_features` candidate features per split; probabilities are the trees'
 * averaged leaf class shares. Trees grow on worker threads.
 * See https://scikit-learn.org/stable/modules/generated/sklearn.ensemble.RandomForestClassifier.html
 */
export class RandomForestClassifier extends BaseForest<RandomForestClassifierParams> {
  readonly algorithm = "RandomForestClassifier";
  static readonly paramSchema = RANDOM_FOREST_CLASSIFIER_PARAMS;
  nClasses_ = 0;

  protected parse(): RandomForestClassifierParams {
    return RANDOM_FOREST_CLASSIFIER_PARAMS.parse(this.params);
  }

  protected nClassesOf(y: Float64Array, options?: FitOptions): number {
    this.nClasses_ = countClasses(y, options?.nClasses);
    return this.nClasses_;
  }

  /** Class probabilities, rows x classes. */
  predictProba(X: Matrix): Matrix {
    return { data: this.average(X), rows: X.rows, cols: this.nClasses_ };
  }

  /** The most probable class index of every row. */
  predict(X: Matrix): Float64Array {
    return argmaxRows(this.predictProba(X));
  }

  override toState(): EstimatorState {
    const s = super.toState();
    return { ...s, state: { ...s.state, nClasses: this.nClasses_ } };
  }

  /** Rebuilds a fitted classifier from `toState()`. */
  static restore(state: EstimatorState): RandomForestClassifier {
    const m = new RandomForestClassifier(state.params as never).load(state);
    m.nClasses_ = state.state.nClasses as number;
    return m;
  }
}

/**
 * A random forest regressor of histogram trees (squared error); predicts the trees' mean.
 * See https://scikit-learn.org/stable/modules/generated/sklearn.ensemble.RandomForestRegressor.html
 */
export class RandomForestRegressor extends BaseForest<RandomForestRegressorParams> {
  readonly algorithm = "RandomForestRegressor";
  static readonly paramSchema = RANDOM_FOREST_REGRESSOR_PARAMS;

  protected parse(): RandomForestRegressorParams {
    return RANDOM_FOREST_REGRESSOR_PARAMS.parse(this.params);
  }

  protected nClassesOf(): number {
    return 0;
  }

  /** The mean of the trees' predictions. */
  predict(X: Matrix): Float64Array {
    return this.average(X);
  }

  /** Rebuilds a fitted regressor from `toState()`. */
  static restore(state: EstimatorState): RandomForestRegressor {
    return new RandomForestRegressor(state.params as never).load(state);
  }
}

/** The column of the largest value in each row (first on ties). */
export function argmaxRows(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let best = 0;
    let bv = -Infinity;
    for (let j = 0; j < m.cols; j++) {
      const v = m.data[i * m.cols + j]!;
      if (v > bv) {
        bv = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}
