import type { ArtifactStore } from "@mlw/db";
import { loadModel, type ModelBundle } from "@mlw/ml-core/persist";

/**
 * A least-recently-used cache of loaded models for `predict`, bounded by count and by bytes (the
 * artifacts' sizes): the first request loads the artifact (from whichever store holds it), later
 * ones, concurrent ones included, reuse it. The newest model stays even when it alone is over the
 * byte budget.
 */
export class ModelCache {
  private readonly entries = new Map<string, { model: Promise<ModelBundle>; bytes: number }>();
  private bytes = 0;
  /** Requests answered from the cache, and requests that loaded their model (for /metrics). */
  readonly lookups = { hits: 0, misses: 0 };

  /**
   * @param capacity Models kept at most (MODEL_CACHE_SIZE).
   * @param maxBytes Artifact bytes kept at most (MODEL_CACHE_BYTES).
   */
  constructor(
    private readonly artifacts: ArtifactStore,
    private readonly capacity: number,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {}

  /** The loaded model at `uri` (cached under `id`; `bytes` is its artifact's size). */
  get(id: string, uri: string, bytes = 0): Promise<ModelBundle> {
    let entry = this.entries.get(id);
    if (entry) {
      this.lookups.hits++;
      this.entries.delete(id);
    } else {
      this.lookups.misses++;
      const model = this.artifacts.get(uri).then(loadModel);
      entry = { model, bytes };
      this.bytes += bytes;
      model.catch(() => {
        if (this.entries.get(id)?.model === model) this.evict(id);
      });
    }
    this.entries.set(id, entry);
    while (this.entries.size > this.capacity || (this.bytes > this.maxBytes && this.entries.size > 1)) this.evict(this.entries.keys().next().value!);
    return entry.model;
  }

  /** The artifact bytes of the models held. */
  get size(): { models: number; bytes: number } {
    return { models: this.entries.size, bytes: this.bytes };
  }

  /** Drops a model (deleted, or evicted). */
  evict(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.bytes -= entry.bytes;
    entry.model.then((m) => m.estimator.dispose?.()).catch(() => undefined);
  }
}
