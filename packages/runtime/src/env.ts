import path from "node:path";
import { z } from "zod";
import type { BudgetLimits } from "@mlw/ml-core";
import { durationSchema } from "./duration";

/** One `host:port` of REDIS_CLUSTER_NODES. */
const clusterNode = z
  .string()
  .regex(/^[^\s:]+:\d{1,5}$/, "each node must be host:port")
  .transform((node) => {
    const at = node.lastIndexOf(":");
    return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
  })
  .refine((node) => node.port >= 1 && node.port <= 65535, "each node's port must be 1 to 65535");

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
  /**
   * Redis Cluster start-up nodes, `host:port` comma-separated (`10.0.0.1:7000,10.0.0.2:7000`):
   * set, every Redis connection is an ioredis Cluster (REDIS_URL then gives only the user,
   * password and TLS), and QUEUE_PREFIX is hash-tagged (see `clusterPrefix`).
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .transform((list) => list.split(",").map((node) => node.trim()).filter(Boolean))
    .pipe(z.array(clusterNode).min(1, "must name at least one host:port"))
    .optional(),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default("postgres://postgres@127.0.0.1:5432/postgres"),
  /** Postgres schema holding the tables (tests use one of their own). */
  DB_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, "must be a lower-case SQL identifier").default("public"),
  /**
   * The prefix of every Redis key and channel: separate deployments (or test runs) on one Redis.
   * With REDIS_CLUSTER_NODES it is hash-tagged (`mlw` becomes `{mlw}`) so that every key lands in
   * one slot, as BullMQ's scripts and our pipelines need.
   */
  QUEUE_PREFIX: z.string().min(1).default("mlw"),
  /** Datasets are read from here; `dataset_path` is relative to it or absolute inside it. */
  DATA_DIR: z.string().min(1).default("./data").transform((p) => path.resolve(p)),
  /** Where the `fs` artifact store writes models (must be shared by every process). */
  MODELS_DIR: z.string().min(1).default("./models").transform((p) => path.resolve(p)),
  /** Where saved models and uploaded datasets are kept: Postgres rows, or files in MODELS_DIR and DATASETS_DIR. */
  ARTIFACT_STORE: z.enum(["postgres", "fs"]).default("postgres"),
  /** Where the `fs` store keeps uploaded datasets (`<sha256>.csv`; must be shared by every process). */
  DATASETS_DIR: z.string().min(1).default("./datasets").transform((p) => path.resolve(p)),
  MAX_TRIALS: z.coerce.number().int().min(1).default(100),
  /** Largest dataset accepted, in bytes: a file under DATA_DIR, or an upload (`POST /datasets` answers 413 past it). */
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
  return Object.freeze(withClusterPrefix(result.data));
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

/**
 * A key prefix every key of which hashes to one Redis Cluster slot: `prefix` wrapped in a hash tag
 * (`mlw` → `{mlw}`), or unchanged when it already holds one. BullMQ requires it on a cluster
 * (https://docs.bullmq.io/patterns/redis-cluster).
 */
export function clusterPrefix(prefix: string): string {
  // Redis hashes what lies between the first `{` and the first `}` after it, when that is not empty.
  const open = prefix.indexOf("{");
  const close = open < 0 ? -1 : prefix.indexOf("}", open + 1);
  return close > open + 1 ? prefix : `{${prefix}}`;
}

/** The parsed configuration with QUEUE_PREFIX hash-tagged when REDIS_CLUSTER_NODES is set. */
function withClusterPrefix<T>(env: T): T {
  const { REDIS_CLUSTER_NODES: nodes, QUEUE_PREFIX: prefix } = env as { REDIS_CLUSTER_NODES?: unknown; QUEUE_PREFIX?: unknown };
  return nodes !== undefined && typeof prefix === "string" ? { ...env, QUEUE_PREFIX: clusterPrefix(prefix) } : env;
}
