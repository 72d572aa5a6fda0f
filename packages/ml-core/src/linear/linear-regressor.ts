import type { Estimator, EstimatorState, FitOptions } from "../core/estimator";
import type { Matrix } from "../core/matrix";
import { NotFittedError } from "../core/errors";
import { checkCols, checkXy } from "../core/check-input";
import { absImportances } from "./logistic-regression";

/** Training data after centring (when fitting an intercept), in the two layouts solvers want. */
export interface Centred {
  /** Row-major n x d. */
  readonly X: Float64Array;
  readonly y: Float64Array;
  readonly n: number;
  readonly d: number;
}

/**
 * The shared body of the least-squares regressors (LinearRegression, Ridge, Lasso,
 * ElasticNet): centres X and y when fitting an intercept, lets the subclass solve for the
 * coefficients, and recovers the intercept as mean(y) - mean(X) . coef, like scikit-learn.
 * Predictions are exact float64 dot products.
 */
export abstract class LinearRegressor<P extends { fit_intercept: boolean }> implements Estimator {
  abstract readonly algorithm: string;
  coef_: Float64Array | undefined;
  intercept_ = 0;
  nIter_ = 0;

  constructor(readonly params: P) {}

  /** Validates and fills in the hyperparameters. */
  protected abstract parse(params: P): P;
  /** Solves for the coefficients of centred data; returns them and the iterations used. */
  protected abstract solve(data: Centred, params: P, options: FitOptions): { coef: Float64Array; nIter: number };

  async fit(X: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    const p = this.parse(this.params);
    checkXy(X, y);
    const { rows: n, cols: d } = X;
    const xMean = new Float64Array(d);
    let yMean = 0;
    if (p.fit_intercept) {
      for (let i = 0; i < n; i++) {
        yMean += y[i]!;
        for (let j = 0; j < d; j++) xMean[j]! += X.data[i * d + j]!;
      }
      yMean /= n;
      for (let j = 0; j < d; j++) xMean[j]! /= n;
    }
    const Xc = new Float64Array(n * d);
    const yc = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      yc[i] = y[i]! - yMean;
      for (let j = 0; j < d; j++) Xc[i * d + j] = X.data[i * d + j]! - xMean[j]!;
    }
    const { coef, nIter } = this.solve({ X: Xc, y: yc, n, d }, p, options);
    let b = yMean;
    for (let j = 0; j < d; j++) b -= xMean[j]! * coef[j]!;
    this.coef_ = coef;
    this.intercept_ = p.fit_intercept ? b : 0;
    this.nIter_ = nIter;
    return this;
  }

  predict(X: Matrix): Float64Array {
    const coef = this.coef_;
    if (!coef) throw new NotFittedError(this.algorithm);
    checkCols(X, coef.length);
    const d = coef.length;
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let s = this.intercept_;
      for (let j = 0; j < d; j++) s += coef[j]! * X.data[i * d + j]!;
      out[i] = s;
    }
    return out;
  }

  /** |coef| normalised to sum to 1. */
  featureImportances(): Float64Array | undefined {
    return this.coef_ && absImportances(this.coef_, this.coef_.length);
  }

  toState(): EstimatorState {
    if (!this.coef_) throw new NotFittedError(this.algorithm);
    return { algorithm: this.algorithm, params: { ...this.params }, state: { coef: this.coef_, intercept: this.intercept_, nIter: this.nIter_ } };
  }

  /** Copies learned state saved by `toState` into this (unfitted) model and returns it. */
  load(state: EstimatorState): this {
    const s = state.state as { coef: Float64Array; intercept: number; nIter: number };
    this.coef_ = s.coef;
    this.intercept_ = s.intercept;
    this.nIter_ = s.nIter;
    return this;
  }
}
