import path from "node:path";
import { z } from "zod";
import type { BudgetLimits } from "@mlw/ml-core";
import { durationSchema } from "./duration";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/**
 * The configuration shared by the API and the workers, from the environment, with the original
 * design's names and defaults. Each app extends it in its own `src/env.ts`.
 */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z
    .string()
    .default("info")
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])),
  /** `json` (one object per line) or `pretty` (for a person; `npm start` picks it in a terminal). */
  LOG_FORMAT: z.enum(["json", "pretty"]).default("json"),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default("redis://127.0.0.1:6379"),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default("postgres://postgres@127.0.0.1:5432/postgres"),
  /** Postgres schema holding the tables (tests use one of their own). */
  DB_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, "must be a lower-case SQL identifier").default("public"),
  /** BullMQ key prefix: separate deployments (or test runs) on one Redis. */
  QUEUE_PREFIX: z.string().min(1).default("mlw"),
  /** Datasets are read from here; `dataset_path` is relative to it or absolute inside it. */
  DATA_DIR: z.string().min(1).default("./data").transform((p) => path.resolve(p)),
  /** Where the `fs` artifact store writes models (must be shared by every process). */
  MODELS_DIR: z.string().min(1).default("./models").transform((p) => path.resolve(p)),
  ARTIFACT_STORE: z.enum(["postgres", "fs"]).default("postgres"),
  MAX_TRIALS: z.coerce.number().int().min(1).default(100),
  /** Largest dataset file accepted, in bytes. */
  MAX_DATASET_BYTES: z.coerce.number().int().min(1).default(1024 * 1024 * 1024),
  /**
   * The most weights (and biases) one model may learn, checked before a fit starts (today: the
   * MLPs' `hidden_layer_sizes` against the dataset's width). 10 million: an MLP fit peaks at about
   * 90 bytes per weight on the wasm backend (float64 copies, float32 variables, Adam's moments,
   * gradients), about 1 GB at the limit, inside wasm32's 4 GiB heap, and saves an 80 MB artifact.
   */
  MAX_MODEL_PARAMS: z.coerce.number().int().min(1).default(10_000_000),
  TFJS_BACKEND: z.enum(["auto", "node", "wasm", "cpu"]).default("auto"),
  /** An admin key on every start, whatever keys the database holds (deployments, tests). */
  MLW_ADMIN_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  /** A bearer token that opens `/metrics` (the API's and each worker's) and nothing else, for a Prometheus scraper; admin keys open it too. */
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** Apply pending database migrations at start-up. */
  MIGRATE_ON_START: bool.default(true),
  /** How often the scheduled `drift` job checks every registered model version an alias points at (a duration: `15m`, `1h`, `1d`). */
  DRIFT_CHECK_EVERY: durationSchema.prefault("1h"),
  /** The window of logged predictions each scheduled drift check reads, back from the check (a duration). */
  DRIFT_WINDOW: durationSchema.prefault("24h"),
  /** How often the scheduled `prediction_retention` job trims the prediction log (a duration). */
  PREDICTION_RETENTION_EVERY: durationSchema.prefault("1h"),
});

export type BaseEnv = z.infer<typeof baseEnvSchema>;

/** The limits every fit is checked against (`checkBudget`, `checkSearchSpace`), from the configuration. */
export function budgetLimits(env: Pick<BaseEnv, "MAX_MODEL_PARAMS">): BudgetLimits {
  return { maxModelParams: env.MAX_MODEL_PARAMS };
}

/** Thrown when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {}

/**
 * Parses `source` (default process.env) with `schema` once, into a frozen object; a bad or missing
 * value throws a ConfigError naming the variable.
 */
export function parseEnv<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv = process.env): Readonly<z.infer<S>> {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message} (got ${JSON.stringify(cleaned[String(i.path[0])] ?? null)})`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return Object.freeze(result.data);
}

/** The config without secrets (keys, tokens, passwords, and passwords in URLs), for the start-up log. */
export function redactedConfig(env: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => {
      if (/(?<!_PER)_(KEY|TOKEN|SECRET|PASSWORD)$/.test(k) && v !== undefined) return [k, "***"];
      return [k, typeof v === "string" && /^[a-z]+:\/\//.test(v) ? v.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@") : v];
    }),
  );
}
