import { checkBudget, isStaged, take, type AlgorithmSpec, type BudgetLimits, type Estimator, type Matrix, type StagedEstimator } from "@mlw/ml-core";
import type { Table } from "@mlw/ml-core/data";
import { binOnce } from "@mlw/ml-core/ensemble";
import { kFold, stratifiedKFold, type Fold } from "@mlw/ml-core/model-selection";
import { Pipeline, type Target } from "@mlw/ml-core/preprocess";
import type { Scorer } from "@mlw/ml-core/metrics";

/** What `onStep` answers: go on, or stop (the trial is pruned). */
export type StepVerdict = "continue" | "prune";

/** What `crossValidate` ran on. */
export interface CrossValidateOptions {
  folds: number;
  randomState: number;
  scorer: Scorer;
  limits: BudgetLimits;
  /** Steps on the algorithm's budget where it has one (a pruner reads them); else, or when false, a step is a fold. */
  budgetSteps?: boolean;
  /** Bytes of encoded folds this process keeps for the next runs on the same split (see `foldData`); default 0, none. */
  foldCacheBytes?: number;
}

/** The intermediate value at each step, the objective value (the mean of the folds' final scores), and whether it was pruned. */
export interface CrossValidation {
  readonly steps: number[];
  readonly value: number;
  readonly pruned: boolean;
}

/**
 * K-fold cross-validation of one parameter set (stratified for classification, shuffled with
 * `randomState`). The pipeline is fitted on each fold's training rows only, and each fold's model
 * must fit `limits` at its encoded width (else InvalidHyperparameterError). After each step,
 * `onStep` gets the values so far (and whether it was the last) and may stop the run (pruning).
 *
 * A step is a fold, one after another, unless the algorithm is fitted in stages of a budget
 * (`budgetStep`: boosting rounds, trees, epochs) and `budgetSteps` asks for them: then the folds advance in lockstep and a step's
 * value is the mean of the folds' scores after that much budget (a fold done early keeps its final
 * score).
 */
export async function crossValidate(
  spec: AlgorithmSpec,
  params: unknown,
  table: Table,
  target: Target,
  target_column: string,
  options: CrossValidateOptions,
  onStep: (values: number[], last: boolean) => Promise<StepVerdict>,
): Promise<CrossValidation> {
  const folds = foldData(spec, table, target, target_column, options);
  const prepare = (fold: () => FoldData): PreparedFold => {
    const data = fold();
    checkBudget(spec, params, { nFeatures: data.nFeatures, nClasses: data.nClasses }, options.limits);
    return { ...data, estimator: spec.create(params) };
  };
  return spec.budgetStep && options.budgetSteps !== false ? byBudget(folds.map(prepare), spec.budgetStep.every, options.scorer, onStep) : byFold(folds, prepare, options.scorer, onStep);
}

/** One fold encoded: its training and test rows through a pipeline fitted on its training rows. */
interface FoldData {
  readonly Xtrain: Matrix;
  readonly ytrain: Float64Array;
  readonly Xtest: Matrix;
  readonly ytest: Float64Array;
  readonly nFeatures: number;
  readonly nClasses: number | undefined;
}

/** A fold ready to fit: its data and a new estimator. */
interface PreparedFold extends FoldData {
  readonly estimator: Estimator;
}

/**
 * The encoded folds of the splits cross-validated last (by table, target, task, scaling, fold
 * count and seed), most recent last, while their matrices take at most `foldCacheBytes` in all:
 * the trials of a study cross-validate the same folds of the same cached table, so a worker
 * process encodes each fold, and bins it for histogram trees (`binOnce`, an eighth more, and for
 * boosting its sparse codes, at most a quarter more), once per study instead of once per trial.
 * The matrices are never changed.
 */
const foldCache = new Map<string, { folds: FoldData[]; bytes: number }>();
/** A number for each table seen, without keeping the table alive. */
const tableIds = new WeakMap<Table, number>();
let nextTableId = 0;

/** Each fold's data, encoded when first asked for (one fold at a time when they are too large to keep). */
function foldData(spec: AlgorithmSpec, table: Table, target: Target, targetColumn: string, options: CrossValidateOptions): (() => FoldData)[] {
  if (!tableIds.has(table)) tableIds.set(table, nextTableId++);
  const key = JSON.stringify([tableIds.get(table), targetColumn, spec.task, spec.scale, options.folds, options.randomState]);
  const known = foldCache.get(key);
  if (known) {
    foldCache.delete(key);
    foldCache.set(key, known);
    return known.folds.map((f) => () => f);
  }
  const folds =
    spec.task === "classification"
      ? stratifiedKFold(target.y, options.folds, { shuffle: true, randomState: options.randomState })
      : kFold(target.rows.length, options.folds, { shuffle: true, randomState: options.randomState });
  const rows = Float64Array.from(target.rows);
  const budget = options.foldCacheBytes ?? 0;
  let kept: FoldData[] | undefined = budget > 0 ? [] : undefined;
  let bytes = 0;
  return folds.map((fold) => () => {
    const data = encodeFold(spec, table, target, targetColumn, rows, fold);
    bytes += data.Xtrain.data.byteLength + data.Xtest.data.byteLength;
    kept = kept && bytes <= budget ? [...kept, data] : undefined;
    if (kept?.length === folds.length) {
      for (const f of kept) binOnce(f.Xtrain);
      foldCache.set(key, { folds: kept, bytes });
      let total = 0;
      for (const entry of foldCache.values()) total += entry.bytes;
      // the least recently used first
      for (const [k, entry] of foldCache) {
        if (total <= budget) break;
        foldCache.delete(k);
        total -= entry.bytes;
      }
    }
    return data;
  });
}

/** Fold `fold` of the table's `rows` (the target's), encoded by a pipeline fitted on its training rows. */
function encodeFold(spec: AlgorithmSpec, table: Table, target: Target, targetColumn: string, rows: Float64Array, fold: Fold): FoldData {
  const trainRows = take(rows, fold.train);
  const pipeline = Pipeline.fit(table, trainRows, { target: targetColumn, scale: spec.scale });
  return {
    Xtrain: pipeline.transform(table, trainRows),
    ytrain: take(target.y, fold.train),
    Xtest: pipeline.transform(table, take(rows, fold.test)),
    ytest: take(target.y, fold.test),
    nFeatures: pipeline.featureNames.length,
    nClasses: target.labels?.length || undefined,
  };
}

const score = (f: PreparedFold, scorer: Scorer): number => scorer.score(f.estimator, f.Xtest, f.ytest, f.nClasses ?? 0);
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** One fold after another, each a step. */
async function byFold(folds: (() => FoldData)[], prepare: (fold: () => FoldData) => PreparedFold, scorer: Scorer, onStep: (values: number[], last: boolean) => Promise<StepVerdict>): Promise<CrossValidation> {
  const scores: number[] = [];
  for (const fold of folds) {
    const f = prepare(fold);
    try {
      await f.estimator.fit(f.Xtrain, f.ytrain, { nClasses: f.nClasses });
      scores.push(score(f, scorer));
    } finally {
      f.estimator.dispose?.();
    }
    if ((await onStep(scores, scores.length === folds.length)) === "prune") return { steps: scores, value: mean(scores), pruned: true };
  }
  return { steps: scores, value: mean(scores), pruned: false };
}

/** Every fold fitted in stages of `every` budget units, in lockstep; a step is the mean of the folds' scores. */
async function byBudget(folds: PreparedFold[], every: number, scorer: Scorer, onStep: (values: number[], last: boolean) => Promise<StepVerdict>): Promise<CrossValidation> {
  const runs = folds.map((f) => {
    if (!isStaged(f.estimator)) throw new TypeError(`${f.estimator.algorithm} declares a budget step but cannot be fitted in stages.`);
    return { fold: f, stages: (f.estimator as StagedEstimator).fitStages(f.Xtrain, f.ytrain, every, { nClasses: f.nClasses }), done: false, score: NaN };
  });
  const steps: number[] = [];
  try {
    for (;;) {
      for (const run of runs.filter((r) => !r.done)) {
        run.done = (await run.stages.next()).done === true;
        run.score = score(run.fold, scorer);
      }
      steps.push(mean(runs.map((r) => r.score)));
      const last = runs.every((r) => r.done);
      if ((await onStep(steps, last)) === "prune") return { steps, value: steps[steps.length - 1]!, pruned: true };
      if (last) return { steps, value: steps[steps.length - 1]!, pruned: false };
    }
  } finally {
    for (const run of runs) {
      await run.stages.return(run.fold.estimator as never);
      run.fold.estimator.dispose?.();
    }
  }
}
