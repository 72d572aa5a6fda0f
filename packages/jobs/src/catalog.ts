import { z } from "zod";
import { searchSpaceSchema } from "@mlw/ml-core";
import { prunerConfigSchema, samplerConfigSchema } from "@mlw/ml-core/study";
import { defineJob, kindOfJobId, modelKey, trialKey, uuidKey, type JobKind } from "./define-job";

const datasetFields = {
  dataset_path: z.string().min(1, "dataset_path must not be empty").optional().meta({ description: "A CSV file under the service's DATA_DIR. Give exactly one of `dataset_path` and `dataset_id`." }),
  dataset_id: z.string().min(1, "dataset_id must not be empty").optional().meta({ description: "An uploaded dataset (`POST /datasets`). Give exactly one of `dataset_path` and `dataset_id`." }),
  target_column: z.string().min(1, "target_column must not be empty"),
  algorithm: z.string().min(1, "algorithm must not be empty"),
  random_state: z.number().int().min(0).max(2 ** 31 - 1).default(42),
};

/**
 * A registered model's name: letters, digits, `-`, `_` and `.` (URL-safe), not only dots (a
 * path segment of `.` or `..` does not survive URL normalisation).
 */
export const registeredModelName = z
  .string()
  .min(1, "the name must not be empty")
  .max(100, "the name must be at most 100 characters")
  .regex(/^[A-Za-z0-9._-]+$/, "the name may hold only letters, digits, `-`, `_` and `.`")
  .refine((s) => !/^\.+$/.test(s), "the name must not be only dots");

/** An alias of a registered model (`champion`): a letter, then letters, digits, `-`, `_` and `.` (never a version number). */
export const aliasName = z
  .string()
  .min(1, "the alias must not be empty")
  .max(100, "the alias must be at most 100 characters")
  .regex(/^[A-Za-z][A-Za-z0-9._-]*$/, "the alias must start with a letter and hold only letters, digits, `-`, `_` and `.`");

/** Where a job's data comes from: a file under DATA_DIR or an uploaded dataset (exactly one; the API checks). */
export type DatasetSource = { readonly dataset_path?: string; readonly dataset_id?: string };

/** `POST /train` body and `train` job payload. */
export const trainPayload = z.object({
  ...datasetFields,
  test_size: z.number().gt(0, "test_size must be greater than 0").lt(1, "test_size must be less than 1").default(0.2),
  hyperparams: z.record(z.string(), z.unknown()).default({}),
  /** Set when the model is the final model of a study (`train_best`). */
  origin: z.object({ study_id: z.string(), trial_number: z.number().int() }).optional(),
});
export type TrainPayload = z.infer<typeof trainPayload>;

/** `POST /optimize` body; the job payload adds the study id. */
export const optimizeRequest = z.object({
  ...datasetFields,
  n_trials: z.number().int().min(1).default(20),
  timeout: z.number().positive().optional(),
  metric: z.string().optional(),
  cv_folds: z.number().int().min(2).max(20).default(3),
  n_parallel: z.number().int().min(1).max(64).optional(),
  sampler: samplerConfigSchema.prefault("tpe").meta({
    description: 'How trials are proposed: "tpe" (default), "random", "grid" or "qmc" (Sobol\'), or {"name": ..., ...settings}: grid takes `n_points` (values of a float without a step, 5), qmc `scramble` (false).',
  }),
  pruner: prunerConfigSchema.prefault("none").meta({
    description:
      'When trials stop early: "none" (default), "median", "percentile", "successive_halving" or "hyperband", or {"name": ..., ...settings} with Optuna\'s settings and defaults (median: n_startup_trials 5, n_warmup_steps 0, interval_steps 1; percentile: percentile 25 and the same; successive_halving: min_resource "auto", reduction_factor 4, min_early_stopping_rate 0, bootstrap_count 0; hyperband: min_resource 1, max_resource "auto", reduction_factor 3, bootstrap_count 0). A step is a CV fold, or for HistGradientBoosting ten boosting rounds (the folds in lockstep).',
  }),
  initial_trials: z
    .array(z.strictObject({ params: z.record(z.string(), z.unknown()) }))
    .max(1000)
    .default([])
    .meta({ description: "Parameters to evaluate first, as trials 0..k-1 (Optuna's enqueue_trial); they count in n_trials and TPE learns from them like any trial." }),
  train_best: z.boolean().default(false),
  test_size: z.number().gt(0).lt(1).default(0.2),
  search_space: searchSpaceSchema.optional(),
  register_as: registeredModelName.optional().meta({ description: "With `train_best`: file the final model as a new version of this registered model (created if missing)." }),
  set_alias: aliasName.optional().meta({ description: "With `register_as`: point this alias at the new version." }),
});
export type OptimizeRequest = z.infer<typeof optimizeRequest>;
/** The `optimize` job payload: the request, its study, and the name of the key that asked (it registers the final model). */
export const optimizePayload = optimizeRequest.extend({ study_id: z.string(), requested_by: z.string().optional() });
export type OptimizePayload = z.infer<typeof optimizePayload>;

const metrics = z.record(z.string(), z.number());

/** What a completed `train` job answers. */
export const trainResult = z.object({
  model_id: z.string(),
  algorithm: z.string(),
  task: z.enum(["classification", "regression"]),
  metrics,
  train_duration_ms: z.number(),
  timings_ms: z
    .object({ load: z.number(), prepare: z.number(), fit: z.number(), score: z.number(), save: z.number() })
    .optional()
    .meta({ description: "Where the run's time went, in ms: reading the dataset, target/split/encoding, the fit, scoring the held-out rows, saving. Absent when the job answered a model an earlier attempt had saved." }),
});
export type TrainResult = z.infer<typeof trainResult>;

/** What a completed `optimize` job answers: the original design's shape, plus the model. */
export const optimizeResult = z.object({
  success: z.literal(true),
  study_id: z.string(),
  best_params: z.record(z.string(), z.unknown()),
  best_score: z.number(),
  n_trials: z.number().int(),
  model_id: z.string().optional(),
  registered: z.object({ name: z.string(), version: z.number().int(), alias: z.string().optional() }).optional().meta({ description: "With `register_as`: the version the final model became." }),
});
export type OptimizeResult = z.infer<typeof optimizeResult>;

/** What a trial job answers; the trial's row in Postgres holds the rest. */
export const trialResult = z.object({ state: z.enum(["complete", "pruned", "failed", "skipped"]), value: z.number().optional() });
export type TrialResult = z.infer<typeof trialResult>;

/** A model's evaluation (`GET /model/{id}/evaluate`): metrics, confusion matrix, report, importances. */
export const evaluateResult = z.object({ model_id: z.string(), task: z.enum(["classification", "regression"]), n_test: z.number().int(), metrics }).loose();
export type EvaluateResult = z.infer<typeof evaluateResult>;

const keep = { age: 7 * 24 * 3600, count: 50_000 };
const retried = { attempts: 3, backoff: { type: "exponential", delay: 2000 }, removeOnComplete: keep, removeOnFail: keep };

/** Trains one model: split, fit, score, save (`POST /train`, and a study's final model). */
export const trainJob = defineJob({
  name: "train",
  description: "Trains one model on a dataset and saves it.",
  payload: trainPayload,
  result: trainResult,
  options: retried,
  key: uuidKey,
  worker: { sandboxed: true, concurrency: "WORKER_CONCURRENCY", timeout: "JOB_TIMEOUT_S" },
});

/**
 * Coordinates one study (`POST /optimize`): samples trials and keeps them in flight on the
 * `trial` queue. It only samples and waits, so many run in a worker's event loop. It has no time
 * limit of its own: its study's `timeout` bounds it (no trial starts past it), and its trials and
 * final model have theirs.
 */
export const optimizeJob = defineJob({
  name: "optimize",
  description: "Runs a hyperparameter study: samples trials, waits for them, trains the best model.",
  payload: optimizePayload,
  result: optimizeResult,
  options: retried,
  key: uuidKey,
  worker: { sandboxed: false, concurrency: "STUDY_CONCURRENCY" },
});

/** The id of the train job that fits a study's final model (`train_best`): the optimize job's own key. */
export function finalModelJobId(optimizeJobId: string): string {
  return trainJob.jobId(optimizeJobId.slice(`${optimizeJob.name}-`.length));
}

/** One cross-validated trial of a study, run by any worker. */
export const trialJob = defineJob({
  name: "trial",
  description: "Cross-validates one parameter set of a study.",
  payload: z.object({ study_id: z.string(), number: z.number().int().min(0), algorithm: z.string().optional().meta({ description: "The study's algorithm, for metrics and logs." }) }),
  result: trialResult,
  options: { attempts: 3, backoff: { type: "fixed", delay: 500 }, removeOnComplete: { age: 24 * 3600, count: 100_000 }, removeOnFail: keep },
  key: trialKey,
  worker: { sandboxed: true, concurrency: "TRIAL_CONCURRENCY", timeout: "TRIAL_TIMEOUT_S" },
});
export type TrialPayload = z.infer<typeof trialJob.payload>;

/** Evaluates a model on its held-out rows (`GET /model/{id}/evaluate`): one job per model. */
export const evaluateJob = defineJob({
  name: "evaluate",
  description: "Evaluates a model on its held-out rows and caches the result.",
  payload: z.object({ model_id: z.string() }),
  result: evaluateResult,
  options: { attempts: 2, backoff: { type: "exponential", delay: 2000 }, removeOnComplete: keep, removeOnFail: keep },
  key: modelKey,
  worker: { sandboxed: true, concurrency: "WORKER_CONCURRENCY", timeout: "JOB_TIMEOUT_S" },
});
export type EvaluatePayload = z.infer<typeof evaluateJob.payload>;

/**
 * Trims the prediction log to the last PREDICTION_RETENTION_DAYS (a worker setting), every
 * PREDICTION_RETENTION_EVERY (default an hour) and when its scheduler is first created. Light
 * work (batched DELETEs), so it runs in the worker's event loop.
 */
export const predictionRetentionJob = defineJob({
  name: "prediction_retention",
  description: "Deletes prediction log rows older than PREDICTION_RETENTION_DAYS.",
  payload: z.object({}),
  result: z.object({ deleted: z.number().int(), before: z.string() }),
  options: { attempts: 3, backoff: { type: "exponential", delay: 5000 }, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
  key: uuidKey,
  worker: { sandboxed: false, concurrency: 1 },
  every: "PREDICTION_RETENTION_EVERY",
});

/** One scheduled drift check of a registered model version. */
export const driftCheck = z.object({
  name: z.string(),
  version: z.number().int(),
  rows: z.number().int(),
  /** Null when the window held too few rows or the model has no drift reference. */
  dataset_drifted: z.boolean().nullable(),
  drifted_columns: z.number().int().nullable(),
  skipped: z.enum(["TOO_FEW_ROWS", "NO_DRIFT_REFERENCE"]).optional(),
});

/**
 * The scheduled drift check (every DRIFT_CHECK_EVERY): for every registered model version an
 * alias points at, the drift report over the last DRIFT_WINDOW of its logged inputs, stored in
 * `drift_reports` and set as gauges on the worker's `/metrics`. It reads and compares at most
 * 50,000 rows per version, so it runs in the worker's event loop.
 */
export const driftJob = defineJob({
  name: "drift",
  description: "Checks the input drift of every aliased registered model version.",
  payload: z.object({}),
  result: z.object({ checks: z.array(driftCheck) }),
  options: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
  key: uuidKey,
  worker: { sandboxed: false, concurrency: 1 },
  every: "DRIFT_CHECK_EVERY",
});
export type DriftCheck = z.infer<typeof driftCheck>;

/** Every job kind, by name. */
export const JOBS = { train: trainJob, optimize: optimizeJob, trial: trialJob, evaluate: evaluateJob, prediction_retention: predictionRetentionJob, drift: driftJob } as const;
export type JobName = keyof typeof JOBS;

/** Every job kind the service runs: the worker consumes each, the API can enqueue, view and wait on each. */
export const JOB_KINDS: readonly JobKind[] = Object.values(JOBS);

/** The name of the kind that issued job id `id`, or undefined for an id we never issue. */
export function queueOfJobId(id: string): JobName | undefined {
  return kindOfJobId(JOB_KINDS, id)?.name as JobName | undefined;
}
