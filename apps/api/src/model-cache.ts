import type { ArtifactStore } from "@mlw/db";
import { loadModel, type ModelBundle } from "@mlw/ml-core/persist";

/**
 * A bounded least-recently-used cache of loaded models for `predict`: the first request loads
 * the artifact (from whichever store holds it), later ones reuse it.
 */
export class ModelCache {
  private readonly entries = new Map<string, Promise<ModelBundle>>();

  constructor(
    private readonly artifacts: ArtifactStore,
    private readonly capacity: number,
  ) {}

  /** The loaded model at `uri` (cached under `id`). */
  get(id: string, uri: string): Promise<ModelBundle> {
    let entry = this.entries.get(id);
    if (entry) {
      this.entries.delete(id);
    } else {
      entry = this.artifacts.get(uri).then(loadModel);
      entry.catch(() => this.entries.delete(id));
    }
    this.entries.set(id, entry);
    while (this.entries.size > this.capacity) this.evict(this.entries.keys().next().value!);
    return entry;
  }

  /** Drops a model (deleted, or evicted). */
  evict(id: string): void {
    const entry = this.entries.get(id);
    this.entries.delete(id);
    entry?.then((m) => m.estimator.dispose?.()).catch(() => undefined);
  }
}
