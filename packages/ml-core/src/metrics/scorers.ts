import type { Estimator, Task } from "../core/estimator";
import { MlError } from "../core/errors";
import type { Matrix } from "../core/matrix";
import { classificationMetrics } from "./classification-metrics";
import { logLoss } from "./log-loss";
import { regressionMetrics } from "./regression-metrics";
import { rocAuc } from "./roc-auc";

/** A metric a study can optimise. */
export interface Scorer {
  readonly task: Task;
  readonly direction: "maximize" | "minimize";
  score(estimator: Estimator, X: Matrix, y: Float64Array, nClasses: number): number;
}

const cls = (pick: "accuracy" | "precision" | "recall" | "f1_score", average?: "weighted" | "macro"): Scorer => ({
  task: "classification",
  direction: "maximize",
  score: (est, X, y, k) => classificationMetrics(y, est.predict(X), k, average)[pick],
});
const reg = (pick: "mse" | "rmse" | "mae" | "r2", direction: "maximize" | "minimize"): Scorer => ({
  task: "regression",
  direction,
  score: (est, X, y) => regressionMetrics(y, est.predict(X))[pick],
});
const needsProba = (est: Estimator, name: string): ((X: Matrix) => Matrix) => {
  if (!est.predictProba) throw new MlError("METRIC_NEEDS_PROBABILITIES", `The metric ${name} needs class probabilities, which ${est.algorithm} does not give.`, 400);
  return est.predictProba.bind(est);
};

/** The metrics `POST /optimize` accepts, by name. */
export const SCORERS: Readonly<Record<string, Scorer>> = {
  accuracy: cls("accuracy"),
  precision: cls("precision"),
  recall: cls("recall"),
  f1: cls("f1_score"),
  f1_score: cls("f1_score"),
  f1_macro: cls("f1_score", "macro"),
  f1_weighted: cls("f1_score", "weighted"),
  roc_auc: { task: "classification", direction: "maximize", score: (est, X, y) => rocAuc(y, needsProba(est, "roc_auc")(X)) },
  log_loss: { task: "classification", direction: "minimize", score: (est, X, y) => logLoss(y, needsProba(est, "log_loss")(X)) },
  r2: reg("r2", "maximize"),
  mse: reg("mse", "minimize"),
  rmse: reg("rmse", "minimize"),
  mae: reg("mae", "minimize"),
};

/** The default metric of a task: accuracy or r2, as in the original design. */
export function defaultMetric(task: Task): string {
  return task === "classification" ? "accuracy" : "r2";
}

/** The scorer of `name` for `task`, or a 400 that lists the valid ones. */
export function getScorer(name: string, task: Task): Scorer {
  const scorer = SCORERS[name];
  if (!scorer || scorer.task !== task) {
    const valid = Object.entries(SCORERS).filter(([, s]) => s.task === task).map(([n]) => n);
    throw new MlError("INVALID_METRIC", `Metric "${name}" is not available for ${task}; valid ones are: ${valid.join(", ")}.`, 400, { valid });
  }
  return scorer;
}

/**
 * Whether a higher value of metric `name` is better (accuracy, r2) or a lower one (rmse,
 * log_loss). Every metric the service reports has a scorer, so this is its one declaration.
 */
export function metricDirection(name: string): "maximize" | "minimize" {
  const scorer = SCORERS[name];
  if (!scorer) throw new MlError("INVALID_METRIC", `Unknown metric "${name}"; known ones are: ${Object.keys(SCORERS).join(", ")}.`, 400);
  return scorer.direction;
}
