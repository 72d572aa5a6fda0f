import { checkBudget, getAlgorithm, take, type AlgorithmSpec, type FitOptions, type Task } from "@mlw/ml-core";
import { Pipeline, prepareTarget } from "@mlw/ml-core/preprocess";
import { trainTestSplit } from "@mlw/ml-core/model-selection";
import { classificationMetrics, regressionMetrics } from "@mlw/ml-core/metrics";
import { saveModel } from "@mlw/ml-core/persist";
import { profileCategories, profileNumbers, profileTable, type ReferenceProfile } from "@mlw/ml-core/drift";
import { Rng } from "@mlw/ml-core";
import type { Table } from "@mlw/ml-core/data";
import { findModelOfJob, insertModel, saveModelReference, type ModelRow } from "@mlw/db";
import { newId, type TrainPayload, type TrainResult } from "@mlw/jobs";
import { budgetLimits } from "@mlw/runtime";
import type { Context } from "../context";
import { env } from "../env";
import { loadDataset } from "./dataset";

/** Reports how far a job is: a stage name and a percentage. */
export type Progress = (stage: string, percent: number) => Promise<void> | void;

/**
 * Trains one model end to end: read the dataset, split it (stratified for classification),
 * fit the preprocessing pipeline and the estimator on the training rows (once the model is known
 * to fit MAX_MODEL_PARAMS at the encoded width), score the held-out rows, save the artifact and
 * insert the model row. A job whose model is already saved (its worker died after saving it,
 * before the job was marked completed) answers that model again instead of saving a second one.
 */
export async function trainModel(ctx: Context, payload: TrainPayload, progress: Progress, jobId?: string): Promise<TrainResult> {
  const started = Date.now();
  const saved = jobId === undefined ? undefined : await findModelOfJob(ctx.database.db, jobId);
  if (saved) return resultOf(saved);
  const spec = getAlgorithm(payload.algorithm);
  const params = spec.params.parse(seeded(spec, payload.hyperparams, payload.random_state));
  await progress("loading", 5);
  const clock = stopwatch();
  const { table, sha256 } = await loadDataset(ctx, payload);
  const load = clock();
  const target = prepareTarget(table, payload.target_column, spec.task);
  const split = trainTestSplit(target.rows.length, {
    testSize: payload.test_size,
    randomState: payload.random_state,
    stratify: spec.task === "classification" ? target.y : undefined,
  });
  const rows = Float64Array.from(target.rows);
  const trainRows = take(rows, split.train);
  const pipeline = Pipeline.fit(table, trainRows, { target: payload.target_column, scale: spec.scale });
  const nClasses = target.labels?.length;
  checkBudget(spec, params, { nFeatures: pipeline.featureNames.length, nClasses }, budgetLimits(env()));
  const estimator = spec.create(params);
  // an estimator that fits from columns gets them one at a time, never the whole encoded matrix
  const Xtrain = estimator.fitColumns ? pipeline.columns(table, trainRows) : pipeline.transform(table, trainRows);
  const ytrain = take(target.y, split.train);
  const ytest = take(target.y, split.test);
  await progress("fitting", 15);
  const prepare = clock();

  let lastReport = 0;
  const fitOptions: FitOptions = {
    nClasses,
    onProgress: (done, total) => {
      const now = Date.now();
      if (now - lastReport < 500) return;
      lastReport = now;
      void progress("fitting", 15 + Math.round((70 * done) / Math.max(total, 1)));
    },
  };
  await ("column" in Xtrain ? estimator.fitColumns!(Xtrain, ytrain, fitOptions) : estimator.fit(Xtrain, ytrain, fitOptions));
  const fit = clock();
  await progress("scoring", 85);
  const testPredictions = estimator.predict(pipeline.transform(table, take(rows, split.test)));
  const metrics = scoreMetrics(spec.task, ytest, testPredictions, nClasses ?? 0);
  const reference = referenceProfile(table, trainRows, pipeline.inputColumns, payload.random_state, testPredictions, target.labels);
  const score = clock();

  const modelId = newId("model");
  const bytes = saveModel({
    algorithm: spec.name,
    task: spec.task,
    pipeline,
    estimator,
    labels: target.labels,
    target: payload.target_column,
    split: { testSize: payload.test_size, randomState: payload.random_state, datasetSha256: sha256 },
  });
  estimator.dispose?.();
  await progress("saving", 95);
  // Looked up again just before saving: an earlier attempt may have saved it while this one fitted.
  const savedMeanwhile = jobId === undefined ? undefined : await findModelOfJob(ctx.database.db, jobId);
  if (savedMeanwhile) return resultOf(savedMeanwhile);
  const artifactUri = await ctx.artifacts.put(modelId, bytes);
  const trainDurationMs = Date.now() - started;
  await insertModel(ctx.database.db, {
    id: modelId,
    algorithm: spec.name,
    task: spec.task,
    hyperparams: params as Record<string, unknown>,
    metrics,
    datasetPath: payload.dataset_path ?? null,
    datasetId: payload.dataset_id ?? null,
    datasetSha256: sha256,
    target: payload.target_column,
    features: pipeline.inputColumns,
    labels: target.labels ? [...target.labels] : null,
    testSize: payload.test_size,
    randomState: payload.random_state,
    nTrain: split.train.length,
    nTest: split.test.length,
    artifactUri,
    artifactBytes: bytes.length,
    trainDurationMs,
    studyId: payload.origin?.study_id ?? null,
    trialNumber: payload.origin?.trial_number ?? null,
    jobId: jobId ?? null,
  });
  await saveModelReference(ctx.database.db, modelId, reference as unknown as Record<string, unknown>);
  await progress("done", 100);
  const timings = { load, prepare, fit, score, save: clock() };
  return { model_id: modelId, algorithm: spec.name, task: spec.task, metrics, train_duration_ms: trainDurationMs, timings_ms: timings };
}

/** A clock: each call answers the milliseconds since the previous call (or since it was made). */
function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const ms = Math.round(now - last);
    last = now;
    return ms;
  };
}

/** What a train job answers for a saved model. */
function resultOf(row: ModelRow): TrainResult {
  return { model_id: row.id, algorithm: row.algorithm, task: row.task, metrics: row.metrics, train_duration_ms: row.trainDurationMs };
}

/**
 * The hyperparameters with the request's `random_state` as the estimator's seed when the
 * estimator takes one and the user gave none: the same request always gives the same model.
 */
export function seeded(spec: AlgorithmSpec, hyperparams: Record<string, unknown>, randomState: number): Record<string, unknown> {
  const takesSeed = spec.params.docs.some((d) => d.name === "random_state");
  return takesSeed && (hyperparams.random_state === undefined || hyperparams.random_state === null) ? { ...hyperparams, random_state: randomState } : hyperparams;
}

/** The training metrics of the original design: accuracy/precision/recall/f1 or mse/rmse/mae/r2. */
export function scoreMetrics(task: Task, yTrue: Float64Array, yPred: Float64Array, nClasses: number): Record<string, number> {
  return task === "classification" ? { ...classificationMetrics(yTrue, yPred, nClasses) } : { ...regressionMetrics(yTrue, yPred) };
}

/**
 * The drift reference of a model: its input columns over the training rows (numeric samples drawn
 * with `randomState`), and its predictions on the test rows (labels or numbers).
 */
export function referenceProfile(table: Table, trainRows: Float64Array, columns: readonly string[], randomState: number, testPredictions: Float64Array, labels?: readonly (string | number)[]): ReferenceProfile {
  const predictions = labels ? profileCategories("prediction", Array.from(testPredictions, (k) => String(labels[k]))) : profileNumbers("prediction", testPredictions, new Rng(randomState));
  return { version: 1, rows: trainRows.length, columns: profileTable(table, trainRows, columns, randomState), predictions };
}
