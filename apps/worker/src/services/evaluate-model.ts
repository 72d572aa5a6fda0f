import { getModel, saveEvaluation } from "@mlw/db";
import { MlError, Rng, take, type Matrix } from "@mlw/ml-core";
import { classificationReport, confusionMatrix, logLoss, rocAuc, rocCurve } from "@mlw/ml-core/metrics";
import { trainTestSplit } from "@mlw/ml-core/model-selection";
import { loadModel, type ModelBundle } from "@mlw/ml-core/persist";
import { prepareTarget } from "@mlw/ml-core/preprocess";
import type { EvaluateResult } from "@mlw/jobs";
import type { Context } from "../context";
import { loadDataset } from "./dataset";
import { scoreMetrics, type Progress } from "./train-model";

/**
 * Evaluates a model on its own held-out rows: the split is made again from the dataset (checked
 * by its sha256) with the model's test_size and random_state, so the metrics are the training
 * metrics. Adds the confusion matrix with its label order, the classification report, ROC AUC
 * and log loss where the model gives probabilities, a residual summary for regression, and
 * feature importance per original column. The result is cached on the model row.
 */
export async function evaluateModel(ctx: Context, modelId: string, progress: Progress): Promise<EvaluateResult> {
  const row = await getModel(ctx.database.db, modelId);
  if (!row) throw new MlError("MODEL_NOT_FOUND", `No model with id "${modelId}".`, 404);
  if (row.evaluation) return row.evaluation as EvaluateResult;
  const bundle = loadModel(await ctx.artifacts.get(row.artifactUri));
  await progress("loading", 10);
  const { table, sha256 } = await loadDataset(ctx, { dataset_path: row.datasetPath ?? undefined, dataset_id: row.datasetId ?? undefined });
  if (sha256 !== row.datasetSha256) {
    throw new MlError("DATASET_CHANGED", `The dataset ${row.datasetPath ?? row.datasetId} changed since model ${modelId} was trained (sha256 ${sha256.slice(0, 12)}… instead of ${row.datasetSha256.slice(0, 12)}…), so its held-out rows cannot be rebuilt.`, 409);
  }
  const target = prepareTarget(table, row.target, bundle.task);
  const split = trainTestSplit(target.rows.length, {
    testSize: row.testSize,
    randomState: row.randomState,
    stratify: bundle.task === "classification" ? target.y : undefined,
  });
  const testRows = take(Float64Array.from(target.rows), split.test);
  const X = bundle.pipeline.transform(table, testRows);
  const y = take(target.y, split.test);
  const pred = bundle.estimator.predict(X);
  await progress("scoring", 50);
  const nClasses = bundle.labels?.length ?? 0;
  const metrics = scoreMetrics(bundle.task, y, pred, nClasses);
  const evaluation: EvaluateResult = { model_id: modelId, task: bundle.task, n_test: y.length, metrics };
  if (bundle.task === "classification") {
    const labels = [...bundle.labels!];
    evaluation.labels = labels;
    evaluation.confusion_matrix = confusionMatrix(y, pred, nClasses);
    evaluation.classification_report = classificationReport(y, pred, labels);
    if (bundle.estimator.predictProba) {
      const proba = bundle.estimator.predictProba(X);
      evaluation.roc_auc = presentClasses(y) === nClasses ? rocAuc(y, proba) : null;
      // A binary model's ROC curve, for the second label (the positive class, as scikit-learn's pos_label=1).
      if (nClasses === 2 && presentClasses(y) === 2) evaluation.roc_curve = rocCurve(y, Float64Array.from({ length: proba.rows }, (_, i) => proba.data[i * 2 + 1]!), 1);
      evaluation.log_loss = logLoss(y, proba);
    }
  } else {
    evaluation.residuals = residualSummary(y, pred);
  }
  const importance = featureImportance(bundle, X, y, nClasses);
  evaluation.feature_importance = importance.values;
  evaluation.feature_importance_method = importance.method;
  await progress("saving", 95);
  await saveEvaluation(ctx.database.db, modelId, evaluation);
  return evaluation;
}

function presentClasses(y: Float64Array): number {
  return new Set(y).size;
}

function residualSummary(y: Float64Array, pred: Float64Array): Record<string, number> {
  const r = y.map((v, i) => v - pred[i]!);
  const sorted = Float64Array.from(r).sort();
  const q = (p: number): number => {
    const pos = (sorted.length - 1) * p;
    const lo = Math.floor(pos);
    return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (pos - lo);
  };
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  const std = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / r.length);
  return { mean, std, min: sorted[0]!, p25: q(0.25), median: q(0.5), p75: q(0.75), max: sorted[sorted.length - 1]! };
}

/**
 * Importance per original column, one-hot parts summed: the model's own importances when it
 * has them, else permutation importance on the held-out rows (mean drop of the primary metric
 * over 5 seeded shuffles of all of a column's features at once).
 */
function featureImportance(bundle: ModelBundle, X: Matrix, y: Float64Array, nClasses: number): { method: string; values: Record<string, number> } {
  const sources = bundle.pipeline.featureSources;
  const own = bundle.estimator.featureImportances?.();
  const values: Record<string, number> = {};
  if (own) {
    sources.forEach((col, j) => (values[col] = (values[col] ?? 0) + own[j]!));
    return { method: "model", values: sortDesc(values) };
  }
  const primary = bundle.task === "classification" ? "accuracy" : "r2";
  const base = scoreMetrics(bundle.task, y, bundle.estimator.predict(X), nClasses)[primary]!;
  const rng = new Rng(0);
  const columns = [...new Set(sources)];
  for (const col of columns) {
    const features = sources.flatMap((s, j) => (s === col ? [j] : []));
    let drop = 0;
    const repeats = 5;
    for (let r = 0; r < repeats; r++) {
      const perm = rng.permutation(X.rows);
      const data = Float64Array.from(X.data);
      for (let i = 0; i < X.rows; i++) for (const j of features) data[i * X.cols + j] = X.data[perm[i]! * X.cols + j]!;
      drop += base - scoreMetrics(bundle.task, y, bundle.estimator.predict({ data, rows: X.rows, cols: X.cols }), nClasses)[primary]!;
    }
    values[col] = drop / repeats;
  }
  return { method: "permutation", values: sortDesc(values) };
}

function sortDesc(values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).sort((a, b) => b[1] - a[1]));
}
