import type { LoggedCount, OutcomeCount } from "@mlw/db";
import { classificationMetrics, regressionMetrics } from "@mlw/ml-core/metrics";

/** How one version did on the predictions that got feedback. */
export interface VersionPerformance {
  version: number;
  model_id: string;
  task: "classification" | "regression";
  /** Predictions of this version logged in the window. */
  n_predictions: number;
  /** Their requests, and the requests' median and 99th-percentile latency in the handler (ms). */
  n_requests: number;
  latency_p50_ms: number | null;
  latency_p99_ms: number | null;
  /** Predictions of this version whose feedback arrived in the window. */
  n_feedback: number;
  /** Of those, the ones scored (a regressor's feedback that is not a number is not). */
  n_scored: number;
  /** accuracy and f1_macro for a classifier, rmse and mae for a regressor; null when nothing was scored. */
  metrics: Record<string, number> | null;
}

/**
 * Scores each version from its (prediction, true outcome) counts with ml-core's metrics: a
 * classifier's accuracy and macro-averaged F1 (scikit-learn's `f1_score(average="macro")` over
 * the labels seen in either), a regressor's RMSE and MAE. Versions come out in order.
 */
export function versionPerformance(outcomes: readonly OutcomeCount[], logged: readonly LoggedCount[]): VersionPerformance[] {
  const byVersion = new Map<number, VersionPerformance & { pairs: OutcomeCount[] }>();
  const entry = (v: { version: number; modelId: string; task: "classification" | "regression" }) => {
    let e = byVersion.get(v.version);
    if (!e) byVersion.set(v.version, (e = { version: v.version, model_id: v.modelId, task: v.task, n_predictions: 0, n_requests: 0, latency_p50_ms: null, latency_p99_ms: null, n_feedback: 0, n_scored: 0, metrics: null, pairs: [] }));
    return e;
  };
  for (const l of logged) Object.assign(entry(l), { n_predictions: l.count, n_requests: l.requests, latency_p50_ms: l.latencyP50Ms, latency_p99_ms: l.latencyP99Ms });
  for (const o of outcomes) {
    const e = entry(o);
    e.n_feedback += o.count;
    e.pairs.push(o);
  }
  return [...byVersion.values()]
    .sort((a, b) => a.version - b.version)
    .map(({ pairs, ...e }) => ({ ...e, ...(e.task === "classification" ? classifierScores(pairs) : regressorScores(pairs)) }));
}

/** Each pair repeated `count` times, mapped by `value`; pairs it maps to undefined are left out. */
function expand(pairs: readonly OutcomeCount[], value: (label: string) => number | undefined): { yTrue: Float64Array; yPred: Float64Array } {
  const usable = pairs.filter((p) => value(p.actual) !== undefined && value(p.predicted) !== undefined);
  const n = usable.reduce((s, p) => s + p.count, 0);
  const yTrue = new Float64Array(n);
  const yPred = new Float64Array(n);
  let at = 0;
  for (const p of usable) {
    yTrue.fill(value(p.actual)!, at, at + p.count);
    yPred.fill(value(p.predicted)!, at, at + p.count);
    at += p.count;
  }
  return { yTrue, yPred };
}

function classifierScores(pairs: readonly OutcomeCount[]): Pick<VersionPerformance, "n_scored" | "metrics"> {
  const labels = [...new Set(pairs.flatMap((p) => [p.actual, p.predicted]))];
  const index = new Map(labels.map((l, i) => [l, i]));
  const { yTrue, yPred } = expand(pairs, (label) => index.get(label));
  if (!yTrue.length) return { n_scored: 0, metrics: null };
  const scores = classificationMetrics(yTrue, yPred, labels.length, "macro");
  return { n_scored: yTrue.length, metrics: { accuracy: scores.accuracy, f1_macro: scores.f1_score } };
}

function regressorScores(pairs: readonly OutcomeCount[]): Pick<VersionPerformance, "n_scored" | "metrics"> {
  const { yTrue, yPred } = expand(pairs, (text) => {
    const x = text.trim() === "" ? NaN : Number(text);
    return Number.isFinite(x) ? x : undefined;
  });
  if (!yTrue.length) return { n_scored: 0, metrics: null };
  const scores = regressionMetrics(yTrue, yPred);
  return { n_scored: yTrue.length, metrics: { rmse: scores.rmse, mae: scores.mae } };
}
