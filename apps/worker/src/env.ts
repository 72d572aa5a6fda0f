import os from "node:os";
import { z } from "zod";
import { baseEnvSchema, parseEnv } from "@mlw/runtime";

// A time limit in seconds, within what a timer can wait (2^31 - 1 ms, about 24.8 days).
const seconds = z.coerce.number().positive().max(2_147_483);

/** The worker's configuration, parsed once from the environment. */
export const envSchema = baseEnvSchema.extend({
  /** Train/evaluate jobs one worker process runs at once (each in its own sandbox process). */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** Optimisation trials one worker process runs at once. */
  TRIAL_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** Names this worker in logs and trial rows. */
  WORKER_ID: z.string().min(1).default(`${os.hostname()}-${process.pid}`),
  /** Port of this worker's Prometheus `/metrics` (0: any free port). Taken (several workers on one host): a warning, and the worker works on. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** BullMQ job lock: a job whose worker stops renewing it for this long is taken back. */
  JOB_LOCK_MS: z.coerce.number().int().min(1000).default(60_000),
  /** How often workers look for stalled jobs (jobs of a dead worker) to take back. */
  STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(30_000),
  /** Time limit of one attempt of a train or evaluate job, in seconds; past it the job fails with JOB_TIMEOUT. */
  JOB_TIMEOUT_S: seconds.default(3600),
  /** Time limit of one attempt of a study's trial, in seconds; past it the trial fails with JOB_TIMEOUT. */
  TRIAL_TIMEOUT_S: seconds.default(600),
  /** The prediction log keeps this many days of rows; the hourly `prediction_retention` job deletes older ones. */
  PREDICTION_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(30),
  /** How long shutdown waits for active jobs before handing them back. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
});

export type Env = z.infer<typeof envSchema>;

let cached: Readonly<Env> | undefined;

/** The parsed configuration (parsed on first use, then frozen). */
export function env(): Readonly<Env> {
  return (cached ??= parseEnv(envSchema));
}
