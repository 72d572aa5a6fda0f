import { getModel, getModelVersion, getRegisteredModel, getTrafficPolicy, type Db, type ModelRow, type TrafficPolicyRow } from "@mlw/db";
import { registryChangesChannel } from "@mlw/jobs";
import type { Logger, RedisClient } from "@mlw/runtime";

/** What serving needs to know of a registered model: its aliases and traffic policy. */
export interface ServedName {
  readonly name: string;
  readonly aliases: Readonly<Record<string, number>>;
  readonly policy: TrafficPolicyRow | undefined;
}

/** A version of a registered model and the model it points at. */
export interface ServedVersion {
  readonly version: number;
  readonly model: ModelRow;
}

interface Entry {
  readonly at: number;
  readonly name: Promise<ServedName | undefined>;
  readonly versions: Map<number, Promise<ServedVersion | undefined>>;
}

/** A cached entry is trusted at most this long even without a change message (a lost message, a write by another service). */
const MAX_AGE_MS = 5_000;
/** Entries kept at most, of each kind; past it the cache starts afresh. */
const MAX_ENTRIES = 10_000;
/** A change message about a model id rather than a name: registered names hold no `/`. */
const MODEL_MESSAGE = "model/";

/**
 * Resolves registered model names to aliases, traffic policies, versions and models, and model ids
 * to their rows, through a small in-process cache, so that predict by name or by id asks Postgres
 * nothing on the hot path. Every registry write publishes the name on a Redis channel
 * (`publish`), and a model's deletion its id (`publishModelDeleted`); every API process drops that
 * entry as the message arrives, so an alias move reaches all of them within milliseconds, with no
 * restart. Entries also expire after five seconds, should a message be lost.
 */
export class RegistryCache {
  private readonly entries = new Map<string, Entry>();
  private readonly models = new Map<string, { readonly at: number; readonly row: Promise<ModelRow | undefined> }>();
  private subscriber: RedisClient | undefined;
  private readonly channel: string;

  /**
   * @param redis The process's Redis connection (publishes; a duplicate subscribes).
   * @param prefix QUEUE_PREFIX: the channel is `<prefix>:registry-changes`.
   */
  constructor(
    private readonly db: Db,
    private readonly redis: RedisClient,
    prefix: string,
    private readonly log: Logger,
  ) {
    this.channel = registryChangesChannel(prefix);
  }

  /** Subscribes to change messages (once; the API calls this at start). */
  async start(): Promise<void> {
    if (this.subscriber) return;
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on("error", () => undefined);
    subscriber.on("message", (_channel: string, message: string) => this.forget(message));
    // After a reconnect, messages may have been missed meanwhile: forget everything.
    subscriber.on("ready", () => {
      this.entries.clear();
      this.models.clear();
    });
    await subscriber.subscribe(this.channel);
    this.log.debug({ channel: this.channel }, "registry changes subscribed");
  }

  /** Tells every API process (this one included) that registered model `name` changed. */
  async publish(name: string): Promise<void> {
    this.forget(name);
    await this.redis.publish(this.channel, name).catch((err: unknown) => this.log.warn({ err, name }, "registry change not published"));
  }

  /** Tells every API process (this one included) that model `id` was deleted. */
  async publishModelDeleted(id: string): Promise<void> {
    await this.publish(MODEL_MESSAGE + id);
  }

  /** Model `id`'s row, or undefined when there is none (a miss is not cached: the model may be about to land). */
  model(id: string): Promise<ModelRow | undefined> {
    const now = Date.now();
    const hit = this.models.get(id);
    if (hit && now - hit.at < MAX_AGE_MS) return hit.row;
    const row = getModel(this.db, id);
    const entry = { at: now, row };
    const drop = () => {
      if (this.models.get(id) === entry) this.models.delete(id);
    };
    row.then((found) => found ?? drop(), drop);
    if (this.models.size >= MAX_ENTRIES) this.models.clear();
    this.models.set(id, entry);
    return row;
  }

  /** Registered model `name`, its aliases and traffic policy, or undefined when there is none. */
  name(name: string): Promise<ServedName | undefined> {
    return this.entry(name).name;
  }

  /** Version `version` of `name` with its model, or undefined when there is none. */
  version(name: string, version: number): Promise<ServedVersion | undefined> {
    const entry = this.entry(name);
    let hit = entry.versions.get(version);
    if (!hit) {
      hit = (async () => {
        const row = await getModelVersion(this.db, name, version);
        const model = row ? await this.model(row.modelId) : undefined;
        return model ? { version, model } : undefined;
      })();
      hit.catch(() => entry.versions.delete(version));
      entry.versions.set(version, hit);
    }
    return hit;
  }

  /** Drops what a change message names: a registered model, or a model (`model/<id>`). */
  private forget(message: string): void {
    if (message.startsWith(MODEL_MESSAGE)) this.models.delete(message.slice(MODEL_MESSAGE.length));
    else this.entries.delete(message);
  }

  /** Unsubscribes. */
  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    await subscriber?.quit().catch(() => subscriber.disconnect());
  }

  private entry(name: string): Entry {
    const now = Date.now();
    const hit = this.entries.get(name);
    if (hit && now - hit.at < MAX_AGE_MS) return hit;
    const loaded = Promise.all([getRegisteredModel(this.db, name), getTrafficPolicy(this.db, name)]).then(([row, policy]) => (row ? { name: row.name, aliases: row.aliases, policy } : undefined));
    const entry: Entry = { at: now, name: loaded, versions: new Map() };
    loaded.catch(() => {
      if (this.entries.get(name) === entry) this.entries.delete(name);
    });
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(name, entry);
    return entry;
  }
}
