import { randomUUID } from "node:crypto";
import type { JobsOptions } from "bullmq";
import { z } from "zod";
import { searchSpaceSchema } from "@mlw/ml-core";

const datasetFields = {
  dataset_path: z.string().min(1, "dataset_path must not be empty"),
  target_column: z.string().min(1, "target_column must not be empty"),
  algorithm: z.string().min(1, "algorithm must not be empty"),
  random_state: z.number().int().min(0).max(2 ** 31 - 1).default(42),
};

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
  pruner: z.enum(["median", "none"]).default("none"),
  train_best: z.boolean().default(false),
  test_size: z.number().gt(0).lt(1).default(0.2),
  search_space: searchSpaceSchema.optional(),
});
export type OptimizeRequest = z.infer<typeof optimizeRequest>;
export const optimizePayload = optimizeRequest.extend({ study_id: z.string() });
export type OptimizePayload = z.infer<typeof optimizePayload>;

/** One trial of a study, run by any worker. */
export const trialPayload = z.object({ study_id: z.string(), number: z.number().int().min(0) });
export type TrialPayload = z.infer<typeof trialPayload>;

/** `GET /model/{id}/evaluate` job payload. */
export const evaluatePayload = z.object({ model_id: z.string() });
export type EvaluatePayload = z.infer<typeof evaluatePayload>;

/** The result a completed `train` job stores. */
export interface TrainResult {
  model_id: string;
  algorithm: string;
  task: "classification" | "regression";
  metrics: Record<string, number>;
  train_duration_ms: number;
}

const keep = { age: 7 * 24 * 3600, count: 50_000 };

/**
 * The job catalog: name -> payload schema and default options. The API enqueues with it, the
 * worker validates with it. Every job kind has a queue of its own, named after it.
 */
export const JOBS = {
  train: { schema: trainPayload, options: { attempts: 3, backoff: { type: "exponential", delay: 2000 }, removeOnComplete: keep, removeOnFail: keep } },
  optimize: { schema: optimizePayload, options: { attempts: 3, backoff: { type: "exponential", delay: 2000 }, removeOnComplete: keep, removeOnFail: keep } },
  trial: { schema: trialPayload, options: { attempts: 3, backoff: { type: "fixed", delay: 500 }, removeOnComplete: { age: 24 * 3600, count: 100_000 }, removeOnFail: keep } },
  evaluate: { schema: evaluatePayload, options: { attempts: 2, backoff: { type: "exponential", delay: 2000 }, removeOnComplete: keep, removeOnFail: keep } },
} as const satisfies Record<string, { schema: z.ZodType; options: JobsOptions }>;

export type JobName = keyof typeof JOBS;
export const JOB_NAMES = Object.keys(JOBS) as JobName[];

/** A new job id that names its queue: `train-…`, so `GET /jobs/{id}` knows where to look. */
export function newJobId(name: JobName): string {
  return `${name}-${randomUUID()}`;
}

/**
 * The job id of trial `number` of a study. Deterministic, so a coordinator that resumes after a
 * crash and enqueues it again adds nothing (BullMQ keeps one job per id).
 */
export function trialJobId(studyId: string, number: number): string {
  return `trial-${studyId}-${number}`;
}

/** The job id of a model's evaluation: one at a time per model. */
export function evaluateJobId(modelId: string): string {
  return `evaluate-${modelId}`;
}

/** Whether `id` has the form of a model id (checked before any row or file is touched). */
export function isModelId(id: string): boolean {
  return /^model-[0-9a-f]{16}$/.test(id);
}

/** The queue a job id belongs to, or undefined for an id we never issue. */
export function queueOfJobId(id: string): JobName | undefined {
  const m = /^(train|optimize|evaluate)-[0-9a-f-]{36}$/.exec(id) ?? /^(trial)-study-[0-9a-f]{16}-\d+$/.exec(id) ?? /^(evaluate)-model-[0-9a-f]{16}$/.exec(id);
  return m ? (m[1] as JobName) : undefined;
}

/** A new public id with a readable prefix: `model-…`, `study-…`. */
export function newId(prefix: "model" | "study"): string {
  return `${prefix}-${randomUUID().replace(/-/g, "").slice(0, 16)}`;
}
