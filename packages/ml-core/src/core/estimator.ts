import type { Matrix } from "./matrix";
import type { ParamSet } from "./hyperparams";
import type { SearchSpace } from "./search-space";

/** What an estimator learns: classes or numbers. */
export type Task = "classification" | "regression";

/** A typed array that may appear in an estimator's saved state. */
export type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

/** A JSON-like value whose leaves may be typed arrays: what `toState` returns and `persist` stores. */
export type StateValue = number | string | boolean | null | TypedArray | readonly StateValue[] | { readonly [key: string]: StateValue };

/** An estimator's learned state together with its name and hyperparameters. */
export interface EstimatorState {
  readonly algorithm: string;
  readonly params: { readonly [key: string]: StateValue };
  readonly state: { readonly [key: string]: StateValue };
}

/** Options of `fit` that are not hyperparameters. */
export interface FitOptions {
  /** Classifiers: number of classes; `y` holds class indices 0..nClasses-1. Default: max(y) + 1. */
  readonly nClasses?: number;
  /** Called now and then with the work done so far, for job progress. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * The contract every estimator keeps, after scikit-learn's: the constructor stores the
 * (validated) parameters only; `fit` learns and replaces all learned state and resolves to
 * `this`; `predict` is synchronous and throws `NotFittedError` before `fit`.
 *
 * Classifiers take and predict class indices (0..k-1 as float64); the labels themselves are
 * kept by the preprocessing pipeline.
 */
export interface Estimator {
  readonly algorithm: string;
  fit(X: Matrix, y: Float64Array, options?: FitOptions): Promise<this>;
  predict(X: Matrix): Float64Array;
  /** Classifiers that give probabilities: rows x nClasses. */
  predictProba?(X: Matrix): Matrix;
  /** Impurity-based (or |coef|-based) importances per input feature, summing to 1. */
  featureImportances?(): Float64Array | undefined;
  /** The learned state, for `persist`. */
  toState(): EstimatorState;
  /** Frees resources held outside the JS heap (tensors). Optional. */
  dispose?(): void;
}

/**
 * One algorithm the service can train: everything the API and the workers need to know about it.
 * Adding an algorithm is one `AlgorithmSpec` in `registry.ts` plus its implementation.
 */
export interface AlgorithmSpec<P = any> {
  readonly name: string;
  readonly task: Task;
  readonly description: string;
  readonly params: ParamSet<P>;
  /** Whether the preprocessing pipeline standardises features for it. */
  readonly scale: boolean;
  /** The default TPE search space. */
  readonly searchSpace: SearchSpace;
  /** A new, unfitted estimator with validated parameters. */
  create(params: P): Estimator;
  /** Rebuilds a fitted estimator from `toState()`. */
  restore(state: EstimatorState): Estimator;
}
