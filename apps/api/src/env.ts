import { z } from "zod";
import { baseEnvSchema, parseEnv } from "@mlw/runtime";

/** The API's configuration, parsed once from the environment. */
export const envSchema = baseEnvSchema.extend({
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8002),
  /** Loaded models kept in memory for predict. */
  MODEL_CACHE_SIZE: z.coerce.number().int().min(1).default(16),
  /** Artifact bytes of the loaded models kept in memory for predict (default 512 MiB). */
  MODEL_CACHE_BYTES: z.coerce.number().int().min(1).default(512 * 1024 * 1024),
  /** Requests per minute per API key, shared by every replica. */
  RATE_LIMIT_PER_MIN: z.coerce.number().int().min(1).default(6000),
  /** Train, optimize and evaluate jobs one key may have waiting or running. */
  MAX_ACTIVE_JOBS_PER_KEY: z.coerce.number().int().min(1).default(100),
  /** The share of predicted rows written to the prediction log, 0 to 1 (a row not logged answers a null prediction id). */
  PREDICTION_LOG_SAMPLE: z.coerce.number().min(0).max(1).default(1),
  /** How long a dashboard session (the `/ui` login cookie) lasts, in seconds (default 8 hours). */
  UI_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 24 * 3600).default(8 * 3600),
});

export type Env = z.infer<typeof envSchema>;

/** Parses the configuration from `source` (default process.env). */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Readonly<Env> {
  return parseEnv(envSchema, source);
}
