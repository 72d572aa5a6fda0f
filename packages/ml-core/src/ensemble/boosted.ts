import type { EstimatorState, FitOptions, StagedEstimator } from "../core/estimator";
import { NotFittedError } from "../core/errors";
import { checkCols } from "../core/check-input";
import type { Matrix } from "../core/matrix";
import { TreeEnsemble, type TreeArrays } from "../tree/flat-tree";
import { rawToProba } from "./losses";
import { argmaxRows } from "./random-forest";
import { StageSums } from "./stage-sums";

/** The trees, initial raw scores and rounds run of a boosting run so far. */
export interface BoostedSoFar {
  readonly trees: TreeArrays[];
  readonly init: Float64Array;
  readonly nIter: number;
}

/** Runs a boosting run's `stages` to its end, refitting the model after every stage; the rounds done at each. */
export function* refitEachStage<M>(stages: Generator<BoostedSoFar, BoostedSoFar, void>, refit: (b: BoostedSoFar) => M): Generator<number, M, void> {
  try {
    for (;;) {
      const r = stages.next();
      const model = refit(r.value);
      if (r.done) return model;
      yield r.value.nIter;
    }
  } finally {
    stages.return(undefined as never);
  }
}

/** Runs a synchronous staged fit to its end. */
export function runToEnd<M>(stages: Generator<number, M, void>): M {
  for (;;) {
    const r = stages.next();
    if (r.done) return r.value;
  }
}

/**
 * What gradient boosting estimators share once fitted: an initial raw score per output column and
 * trees whose values (already times the learning rate) add up to the raw score. Tree `t` adds to
 * column `t % columns`. Classifiers have one column for two classes, else one per class.
 */
export abstract class BoostedModel<P> implements StagedEstimator {
  abstract readonly algorithm: string;
  trees_?: TreeEnsemble;
  /** Initial raw score per column. */
  init_?: Float64Array;
  nFeatures_ = 0;
  /** Classes (0 for regression). */
  nClasses_ = 0;
  /** Boosting rounds actually run (early stopping may stop before the maximum). */
  nIter_ = 0;

  /**
   * From a staged fit on (until the next fit or load): the raw scores so far by input matrix, so
   * that each stage, and the end, scores only the trees it has not summed yet.
   */
  private stageSums?: StageSums;

  constructor(readonly params: Partial<P> = {}) {}

  protected abstract parse(): P;

  /**
   * The boosting run on X, y, pausing after every `every` rounds (unless the last) with `this`
   * refitted with the rounds so far, and returning `this` fitted (see `refitEachStage`).
   */
  protected abstract boost(X: Matrix, y: Float64Array, every: number, options?: FitOptions): Generator<number, this, void>;

  async fit(X: Matrix, y: Float64Array, options?: FitOptions): Promise<this> {
    this.stageSums = undefined;
    return runToEnd(this.boost(X, y, Infinity, options));
  }

  /** Fits in stages of `every` boosting rounds (`StagedEstimator`), the same model as `fit` at the end. */
  async *fitStages(X: Matrix, y: Float64Array, every: number, options?: FitOptions): AsyncGenerator<number, this, void> {
    this.stageSums = new StageSums();
    return yield* this.boost(X, y, every, options);
  }

  /** Records what a fit learnt; returns this. */
  protected fitted(trees: readonly TreeArrays[], init: Float64Array, nFeatures: number, nClasses: number, nIter: number): this {
    this.trees_ = TreeEnsemble.concat(trees, 1, nFeatures);
    this.init_ = init;
    this.nFeatures_ = nFeatures;
    this.nClasses_ = nClasses;
    this.nIter_ = nIter;
    return this;
  }

  /** Raw scores, rows x columns. */
  decisionFunction(X: Matrix): Float64Array {
    const e = this.trees_;
    const init = this.init_;
    if (!e || !init) throw new NotFittedError(this.algorithm);
    checkCols(X, this.nFeatures_);
    const cols = init.length;
    const start = (): Float64Array => {
      const out = new Float64Array(X.rows * cols);
      for (let i = 0; i < X.rows; i++) out.set(init, i * cols);
      return out;
    };
    const add = (from: number, to: number, out: Float64Array): void => e.addTrees(from, to, X, out, cols, (t) => t % cols, 1, this.stageSums ? "range" : "ensemble");
    if (this.stageSums) return this.stageSums.sums(X, e.nTrees, start, add);
    const out = start();
    add(0, e.nTrees, out);
    return out;
  }

  /** Class probabilities (classifiers), rows x classes. */
  protected proba(X: Matrix): Matrix {
    const raw = this.decisionFunction(X);
    return { data: rawToProba(raw, X.rows, this.nClasses_), rows: X.rows, cols: this.nClasses_ };
  }

  predict(X: Matrix): Float64Array {
    return this.nClasses_ > 0 ? argmaxRows(this.proba(X)) : this.decisionFunction(X);
  }

  /** Impurity-based importances per input feature, summing to 1. */
  featureImportances(): Float64Array | undefined {
    return this.trees_?.featureImportances(this.nFeatures_);
  }

  toState(): EstimatorState {
    if (!this.trees_ || !this.init_) throw new NotFittedError(this.algorithm);
    return {
      algorithm: this.algorithm,
      params: this.parse() as never,
      state: { nFeatures: this.nFeatures_, nClasses: this.nClasses_, nIter: this.nIter_, init: this.init_, trees: this.trees_.toState() },
    };
  }

  /** Loads learned state saved by `toState`. */
  protected load(state: EstimatorState): this {
    const s = state.state;
    this.nFeatures_ = s.nFeatures as number;
    this.nClasses_ = s.nClasses as number;
    this.nIter_ = s.nIter as number;
    this.init_ = s.init as Float64Array;
    this.trees_ = TreeEnsemble.fromState(s.trees as never);
    this.stageSums = undefined;
    return this;
  }
}
