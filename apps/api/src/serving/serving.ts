import type { Deps } from "../deps";
import { ModelCache } from "../model-cache";
import { RegistryCache } from "./registry-cache";

/** The serving state of one API process: loaded models and the registry's resolution cache. */
export interface Serving {
  readonly models: ModelCache;
  readonly registry: RegistryCache;
  /** Subscribes to registry changes. */
  start(): Promise<void>;
  /** Unsubscribes. */
  close(): Promise<void>;
}

/** Builds the serving state from the process's dependencies (MODEL_CACHE_SIZE, MODEL_CACHE_BYTES). */
export function createServing(deps: Deps): Serving {
  const models = new ModelCache(deps.artifacts, deps.env.MODEL_CACHE_SIZE, deps.env.MODEL_CACHE_BYTES);
  const registry = new RegistryCache(deps.database.db, deps.redis, deps.env.QUEUE_PREFIX, deps.log);
  return {
    models,
    registry,
    start: () => registry.start(),
    close: () => registry.close(),
  };
}
