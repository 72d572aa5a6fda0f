import os from "node:os";
import { z } from "zod";
import { baseEnvSchema, parseEnv } from "@mlw/runtime";

/** The worker's configuration, parsed once from the environment. */
export const envSchema = baseEnvSchema.extend({
  /** Train/evaluate jobs one worker process runs at once (each in its own thread). */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** Optimisation trials one worker process runs at once. */
  TRIAL_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** Names this worker in logs and trial rows. */
  WORKER_ID: z.string().min(1).default(`${os.hostname()}-${process.pid}`),
  /** BullMQ job lock: a job whose worker stops renewing it for this long is taken back. */
  JOB_LOCK_MS: z.coerce.number().int().min(1000).default(60_000),
  /** How often workers look for stalled jobs (jobs of a dead worker) to take back. */
  STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(30_000),
  /** How long shutdown waits for active jobs before handing them back. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
});

export type Env = z.infer<typeof envSchema>;

let cached: Readonly<Env> | undefined;

/** The parsed configuration (parsed on first use, then frozen). */
export function env(): Readonly<Env> {
  return (cached ??= parseEnv(envSchema));
}
