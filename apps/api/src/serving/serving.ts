import { insertPredictionLog } from "@mlw/db";
import type { Deps } from "../deps";
import { ModelCache } from "../model-cache";
import { PredictionLog } from "./prediction-log";
import { RegistryCache } from "./registry-cache";

/** The serving state of one API process: loaded models, the registry's resolution cache, the prediction log. */
export interface Serving {
  readonly models: ModelCache;
  readonly registry: RegistryCache;
  readonly predictions: PredictionLog;
  /** Runs `work` after the current response (a shadow prediction); `close` waits for it. Its failure is logged, never thrown. */
  afterResponse(work: () => Promise<void>): void;
  /** Subscribes to registry changes and starts the prediction log's periodic write. */
  start(): Promise<void>;
  /** Waits for the work after responses, writes the prediction log, and unsubscribes. */
  close(): Promise<void>;
}

/** Builds the serving state from the process's dependencies (MODEL_CACHE_SIZE, MODEL_CACHE_BYTES, PREDICTION_LOG_SAMPLE). */
export function createServing(deps: Deps): Serving {
  const models = new ModelCache(deps.artifacts, deps.env.MODEL_CACHE_SIZE, deps.env.MODEL_CACHE_BYTES);
  const registry = new RegistryCache(deps.database.db, deps.redis, deps.env.QUEUE_PREFIX, deps.log);
  const predictions = new PredictionLog((rows) => insertPredictionLog(deps.database.db, rows), deps.log, { sample: deps.env.PREDICTION_LOG_SAMPLE });
  const pending = new Set<Promise<void>>();
  return {
    models,
    registry,
    predictions,
    afterResponse(work) {
      const done: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(work)
        .catch((err: unknown) => deps.log.warn({ err }, "work after a response failed"))
        .finally(() => pending.delete(done));
      pending.add(done);
    },
    async start() {
      predictions.start();
      await registry.start();
    },
    async close() {
      await Promise.all(pending);
      await predictions.close();
      await registry.close();
    },
  };
}
