import os from "node:os";
import path from "node:path";
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
  /** Studies one worker process coordinates at once (in its event loop; a coordinator fits nothing, and sleeps until one of its trials ends). */
  STUDY_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(8),
  /**
   * A coordinator sleeps until one of its study's trials ends, or this long at most: then it reads
   * its trials again, so a lost event (Redis restarted) only delays it, and it repairs trials whose
   * job vanished or failed for good.
   */
  STUDY_RECHECK_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  /** Names this worker in logs and trial rows. */
  WORKER_ID: z.string().min(1).default(`${os.hostname()}-${process.pid}`),
  /** Port of this worker's Prometheus `/metrics` (0: any free port). Taken (several workers on one host): a warning, and the worker works on. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** BullMQ job lock: a job whose worker stops renewing it for this long is taken back. */
  JOB_LOCK_MS: z.coerce.number().int().min(1000).default(60_000),
  /** How often workers look for stalled jobs (jobs of a dead worker) to take back. */
  STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(30_000),
  /**
   * How often a sandboxed job (train, trial, evaluate) whose worker died is taken back before it
   * fails with JOB_STALLED: a bound on the workers one job can take down with it. Jobs run in the
   * worker's event loop (the optimize orchestrator, which only waits on its trials) are taken back
   * however often their worker dies.
   */
  MAX_STALLED_COUNT: z.coerce.number().int().min(0).max(1000).default(1),
  /** Time limit of one attempt of a train or evaluate job, in seconds; past it the job fails with JOB_TIMEOUT. */
  JOB_TIMEOUT_S: seconds.default(3600),
  /** Time limit of one attempt of a study's trial, in seconds; past it the trial fails with JOB_TIMEOUT. */
  TRIAL_TIMEOUT_S: seconds.default(600),
  /** Where this worker keeps the uploaded datasets it fetched (`<sha256>.csv`); shared by the worker's sandboxes, and safe to share between workers on one machine. */
  DATASET_CACHE_DIR: z.string().min(1).default(path.join(os.tmpdir(), "mlw-dataset-cache")).transform((p) => path.resolve(p)),
  /** Bytes of fetched datasets the cache keeps; past it the least recently used go (default 4 GiB). */
  DATASET_CACHE_BYTES: z.coerce.number().int().min(1).default(4 * 1024 ** 3),
  /** Bytes of encoded cross-validation folds each sandbox keeps for the next trials of their studies (0: none; default 256 MiB). */
  FOLD_CACHE_BYTES: z.coerce.number().int().min(0).default(256 * 1024 ** 2),
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
