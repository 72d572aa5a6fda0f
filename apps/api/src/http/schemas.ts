import { z } from "zod";
import { jobFailure } from "@mlw/jobs";
import { durationSchema as duration } from "@mlw/runtime";

/** Every error answer: `{error: {code, message, details?}}`. */
export const errorEnvelope = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "Machine-readable, e.g. VALIDATION_ERROR, MODEL_NOT_FOUND, UNAUTHENTICATED." }),
      message: z.string().meta({ description: "For a person: what is wrong and how to fix it." }),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: "Error" });

/** The failure a failed job records. */
export const jobFailureSchema = jobFailure.meta({ id: "JobFailure" });

/** A job as `GET /jobs/{id}` shows it. */
export const jobViewSchema = z
  .object({
    job_id: z.string(),
    type: z.string().meta({ description: "The job kind: train, optimize, trial, evaluate." }),
    state: z.string().meta({ description: "waiting, active, delayed, completed or failed." }),
    progress: z.unknown(),
    result: z.unknown(),
    error: jobFailureSchema.nullable(),
    attempts: z.number().int(),
    created_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: "Job" });

/** A 202 with a job still running after `wait`. */
export const pendingJobSchema = jobViewSchema.extend({ status_url: z.string() });

/** The original design's `?wait` failure body. */
export const waitFailureSchema = z.object({ success: z.literal(false), message: z.string(), code: z.string(), job_id: z.string(), study_id: z.string().optional() }).meta({ id: "WaitFailure" });

/** `?wait=` seconds, at most 300. */
export const waitQuery = z.object({ wait: z.coerce.number().min(0).max(300, "wait must be at most 300 seconds").optional() });

/** A path id: a non-empty string. */
export const idParams = z.object({ id: z.string().min(1) });

/** At most this many rows per predict request. */
export const MAX_PREDICT_ROWS = 10_000;

/** The body of every predict route: raw rows, as in the training CSV. */
export const predictBody = z
  .object({
    rows: z.array(z.record(z.string(), z.unknown())).min(1, "rows must hold at least one row").max(MAX_PREDICT_ROWS, `at most ${MAX_PREDICT_ROWS} rows per request`),
  })
  .strict();

/** What every predict route answers. */
export const predictionSchema = z
  .object({
    predictions: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])),
    probabilities: z.array(z.record(z.string(), z.number())).optional(),
    prediction_ids: z
      .array(z.string().nullable())
      .meta({ description: "One per row: the id to send its true outcome to `POST /predictions/feedback` with; null for a row the prediction log did not sample (PREDICTION_LOG_SAMPLE)." }),
  })
  .meta({ id: "Predictions" });

/** A window or interval in a query string, `15m`, `24h` or `7d`, in milliseconds (the one parser: @mlw/runtime's `durationSchema`). */
export const durationSchema = duration.meta({ description: "A duration: a whole number and a unit, s, m, h or d (`15m`, `24h`, `7d`); at most 366 days.", example: "24h" });
