import type { Matrix } from "./matrix";
import type { ColumnSource } from "./column-source";
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
  /**
   * Fits exactly as `fit(X.toMatrix(), y)` does (the same model to the bit), reading the features
   * a column at a time: offered by estimators that never need the whole matrix at once, so that a
   * large table is fitted without it.
   */
  fitColumns?(X: ColumnSource, y: Float64Array, options?: FitOptions): Promise<this>;
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
 * An estimator that can be fitted in stages of its budget (boosting rounds, trees, epochs), its
 * model usable after each stage: a study scores it per stage and may stop it early (pruning on a
 * real budget).
 */
export interface StagedEstimator extends Estimator {
  /**
   * Fits like `fit`, pausing after every `every` units of budget: each `next()` runs one stage and
   * leaves `this` fitted with the stages so far (yielding the units done); the last one returns
   * `this` fitted exactly as `fit` fits it, to the bit. Call `return()` to stop early and free
   * resources. Asynchronous, as some fits are (trees grown on worker threads, TensorFlow.js).
   */
  fitStages(X: Matrix, y: Float64Array, every: number, options?: FitOptions): AsyncGenerator<number, this, void>;
}

/** Whether `e` can be fitted in stages. */
export function isStaged(e: Estimator): e is StagedEstimator {
  return typeof (e as Partial<StagedEstimator>).fitStages === "function";
}

/** Whether a staged fit pauses after `done` of `total` units in stages of `every` (never after the last). */
export function isStageEnd(done: number, every: number, total: number): boolean {
  return done % every === 0 && done < total;
}

/** Runs a staged fit to its end: what it returns (`fit` of a staged estimator is this with `every` = Infinity). */
export async function fitAllStages<M>(stages: AsyncGenerator<number, M, void>): Promise<M> {
  for (;;) {
    const r = await stages.next();
    if (r.done) return r.value;
  }
}

/** What a fit will see of the data, as far as it is known when a budget is checked. */
export interface FitShape {
  /** Input features after encoding (one-hot columns counted); a lower bound when only the header is known. */
  readonly nFeatures: number;
  /** Classes of a classification target; undefined when not known yet (counted as the fewest, 2). */
  readonly nClasses?: number;
}

/**
 * How big a model an algorithm learns, declared where that follows from its parameters and
 * the data's width alone (so that a request can be refused before any row is read).
 */
export interface ModelSize<P> {
  /** The hyperparameter that sets the size, named when a request is refused. */
  readonly param: string;
  /** What `count` counts, for messages: "weights". */
  readonly unit: string;
  /** The numbers a fit with `params` on data of `shape` learns. */
  count(params: P, shape: FitShape): number;
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
  /** The size of the model it learns, checked against MAX_MODEL_PARAMS (`checkBudget`); optional. */
  readonly modelSize?: ModelSize<P>;
  /**
   * For estimators fitted in stages (`StagedEstimator`): the budget units (boosting rounds, trees,
   * epochs) per step a study reports, with what they are.
   */
  readonly budgetStep?: { readonly every: number; readonly unit: string };
  /** A new, unfitted estimator with validated parameters. */
  create(params: P): Estimator;
  /** Rebuilds a fitted estimator from `toState()`. */
  restore(state: EstimatorState): Estimator;
}
