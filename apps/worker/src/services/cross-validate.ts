import { checkBudget, take, type AlgorithmSpec, type BudgetLimits } from "@mlw/ml-core";
import type { Table } from "@mlw/ml-core/data";
import { kFold, stratifiedKFold } from "@mlw/ml-core/model-selection";
import { Pipeline, type Target } from "@mlw/ml-core/preprocess";
import type { Scorer } from "@mlw/ml-core/metrics";

/** What `onFold` answers: go on, or stop (the trial is pruned). */
export type FoldVerdict = "continue" | "prune";

/**
 * K-fold cross-validation of one parameter set (stratified for classification, shuffled with
 * `randomState`). The pipeline is fitted on each fold's training rows only, and each fold's
 * model must fit `limits` at its encoded width (else InvalidHyperparameterError). After each fold,
 * `onFold` gets the scores so far and may stop the run (pruning).
 */
export async function crossValidate(
  spec: AlgorithmSpec,
  params: unknown,
  table: Table,
  target: Target,
  target_column: string,
  options: { folds: number; randomState: number; scorer: Scorer; limits: BudgetLimits },
  onFold: (scores: number[]) => Promise<FoldVerdict>,
): Promise<{ scores: number[]; pruned: boolean }> {
  const n = target.rows.length;
  const folds =
    spec.task === "classification"
      ? stratifiedKFold(target.y, options.folds, { shuffle: true, randomState: options.randomState })
      : kFold(n, options.folds, { shuffle: true, randomState: options.randomState });
  const nClasses = target.labels?.length ?? 0;
  const rows = Float64Array.from(target.rows);
  const scores: number[] = [];
  for (const fold of folds) {
    const trainRows = take(rows, fold.train);
    const pipeline = Pipeline.fit(table, trainRows, { target: target_column, scale: spec.scale });
    checkBudget(spec, params, { nFeatures: pipeline.featureNames.length, nClasses: nClasses || undefined }, options.limits);
    const estimator = spec.create(params);
    try {
      await estimator.fit(pipeline.transform(table, trainRows), take(target.y, fold.train), { nClasses: nClasses || undefined });
      const Xtest = pipeline.transform(table, take(rows, fold.test));
      scores.push(options.scorer.score(estimator, Xtest, take(target.y, fold.test), nClasses));
    } finally {
      estimator.dispose?.();
    }
    if ((await onFold(scores)) === "prune") return { scores, pruned: true };
  }
  return { scores, pruned: false };
}
