import type { ModelBundle } from "@mlw/ml-core/persist";

/** What a predict route answers: one prediction per row, and class probabilities where the model gives them. */
export interface Predictions {
  predictions: unknown[];
  probabilities?: Record<string, number>[];
}

/** Predicts raw `rows` with a loaded model: the one predict path of every serving route. */
export function predictRows(model: ModelBundle, rows: readonly Record<string, unknown>[]): Predictions {
  const X = model.pipeline.transformRecords(rows);
  const pred = model.estimator.predict(X);
  if (model.task === "regression") return { predictions: Array.from(pred) };
  const labels = model.labels!;
  const answer: Predictions = { predictions: Array.from(pred, (k) => labels[k]) };
  if (model.estimator.predictProba) {
    const p = model.estimator.predictProba(X);
    answer.probabilities = Array.from({ length: p.rows }, (_, i) => Object.fromEntries(labels.map((l, k) => [String(l), p.data[i * p.cols + k]!])));
  }
  return answer;
}
