import type { Estimator, EstimatorState, FitOptions } from "../core/estimator";
import { NotFittedError } from "../core/errors";
import { checkCols } from "../core/check-input";
import type { Matrix } from "../core/matrix";
import { TreeEnsemble, type TreeArrays } from "../tree/flat-tree";
import { rawToProba } from "./losses";
import { argmaxRows } from "./random-forest";

/**
 * What gradient boosting estimators share once fitted: an initial raw score per output column and
 * trees whose values (already times the learning rate) add up to the raw score. Tree `t` adds to
 * column `t % columns`. Classifiers have one column for two classes, else one per class.
 */
export abstract class BoostedModel<P> implements Estimator {
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
   * During a staged fit: the raw scores computed so far, by input matrix, so that scoring the same
   * rows after the next stage adds only the new trees (the same sums, tree by tree, to the bit).
   */
  private stageMemo?: WeakMap<Matrix, { init: Float64Array; trees: number; raw: Float64Array }>;

  constructor(readonly params: Partial<P> = {}) {}

  /** Runs a staged fit with the raw-score memo on, and off again however it ends. */
  protected *staged<M>(stages: Generator<number, M, void>): Generator<number, M, void> {
    this.stageMemo = new WeakMap();
    try {
      return yield* stages;
    } finally {
      this.stageMemo = undefined;
    }
  }

  protected abstract parse(): P;

  /** Records what a fit learnt; returns this. */
  protected fitted(trees: readonly TreeArrays[], init: Float64Array, nFeatures: number, nClasses: number, nIter: number): this {
    this.trees_ = TreeEnsemble.concat(trees, 1, nFeatures);
    this.init_ = init;
    this.nFeatures_ = nFeatures;
    this.nClasses_ = nClasses;
    this.nIter_ = nIter;
    return this;
  }
  abstract fit(X: Matrix, y: Float64Array, options?: FitOptions): Promise<this>;

  /** Raw scores, rows x columns. */
  decisionFunction(X: Matrix): Float64Array {
    const e = this.trees_;
    const init = this.init_;
    if (!e || !init) throw new NotFittedError(this.algorithm);
    checkCols(X, this.nFeatures_);
    const cols = init.length;
    const memo = this.stageMemo?.get(X);
    const from = memo && memo.init === init && memo.trees <= e.nTrees ? memo.trees : 0;
    const out = from > 0 ? memo!.raw : new Float64Array(X.rows * cols);
    if (from === 0) for (let i = 0; i < X.rows; i++) out.set(init, i * cols);
    for (let t = from; t < e.nTrees; t++) e.addTree(t, X, out, cols, t % cols, 1);
    if (!this.stageMemo) return out;
    this.stageMemo.set(X, { init, trees: e.nTrees, raw: out });
    return Float64Array.from(out);
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
    return this;
  }
}
