import { createHash } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import { Cluster } from "ioredis";
import { RedisStore, type RedisReply, type SendCommandClusterFn } from "rate-limit-redis";
import type { RedisClient } from "@mlw/runtime";
import { HttpError } from "../errors";
import type { RequestWithPrincipal } from "./auth";

/**
 * Requests per minute per API key, counted in Redis so every API replica shares the count.
 * Past the limit: 429 RATE_LIMITED with `Retry-After` (seconds).
 */
export function rateLimiter(redis: RedisClient, prefix: string, perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    keyGenerator: (req) => (req as RequestWithPrincipal).principal?.keyId ?? "anonymous",
    store: new RedisStore({ prefix: `${prefix}:ratelimit:`, sendCommandCluster: sendCommandTo(redis) }),
    handler: (req, _res, next) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = Math.max(1, Math.ceil(((reset?.getTime() ?? Date.now() + 60_000) - Date.now()) / 1000));
      _res.set("Retry-After", String(seconds));
      next(new HttpError(429, "RATE_LIMITED", `This key sent more than ${perMinute} requests in a minute (RATE_LIMIT_PER_MIN); retry in ${seconds} s.`, { limit: perMinute, retry_after_seconds: seconds }));
    },
  });
}

/**
 * Sends rate-limit-redis's commands. On a cluster, a keyless `SCRIPT LOAD` would reach one master
 * at random and the script's `EVALSHA` (routed by its key) another: the scripts are loaded on every
 * master instead; every other command is routed by its key.
 */
function sendCommandTo(redis: RedisClient): SendCommandClusterFn {
  return async ({ command: [name, ...args] }) => {
    if (redis instanceof Cluster && name === "SCRIPT") {
      const replies = await Promise.all(redis.nodes("master").map((node) => node.call(name, ...args)));
      return replies[0] as RedisReply;
    }
    return redis.call(name!, ...args) as Promise<RedisReply>;
  };
}

/**
 * The jobs a key enqueued directly (train, optimize, evaluate; not the trials a study makes) that
 * are waiting or running, at most `max` per key (MAX_ACTIVE_JOBS_PER_KEY), across replicas: a
 * Redis set of job ids per key. A reservation adds its job and counts the set; only when the set
 * is over `max` are its finished jobs pruned and the rest counted again, so an enqueue under the
 * limit costs two commands however many jobs the key has queued, and the set stays about `max`
 * long. Every key it reads (the set, the jobs' hashes) starts with the prefix, so on a cluster,
 * where the prefix is a hash tag, its pipeline stays in one slot.
 */
export class ActiveJobQuota {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly max: number,
  ) {}

  /** Counts `jobId` against the key's quota, or throws 429 QUOTA_EXCEEDED. Reserve first, then enqueue. */
  async reserve(keyId: string, jobId: string, queueOf: (jobId: string) => string | undefined): Promise<void> {
    const set = this.setOf(keyId);
    const [, size] = ((await this.redis.multi().sadd(set, jobId).scard(set).exec()) ?? []).map(([, reply]) => reply);
    if (Number(size) <= this.max) return;
    const members = (await this.redis.smembers(set)).filter((m) => m !== jobId);
    const pipeline = this.redis.pipeline();
    for (const m of members) pipeline.hget(`${this.prefix}:${queueOf(m) ?? "none"}:${m}`, "finishedOn").exists(`${this.prefix}:${queueOf(m) ?? "none"}:${m}`);
    const replies = (await pipeline.exec()) ?? [];
    const done = members.filter((_, i) => replies[2 * i]?.[1] != null || replies[2 * i + 1]?.[1] === 0);
    if (done.length) await this.redis.srem(set, ...done);
    const active = members.length - done.length + 1;
    if (active > this.max) {
      await this.redis.srem(set, jobId);
      throw new HttpError(429, "QUOTA_EXCEEDED", `This key has ${active - 1} jobs waiting or running, the most MAX_ACTIVE_JOBS_PER_KEY allows (${this.max}); wait for some to finish.`, { active: active - 1, limit: this.max });
    }
  }

  /** Gives a reservation back (the job was not enqueued after all). */
  async release(keyId: string, jobId: string): Promise<void> {
    await this.redis.srem(this.setOf(keyId), jobId);
  }

  private setOf(keyId: string): string {
    return `${this.prefix}:quota:${keyId}`;
  }
}

/** What an idempotent request created: the ids a replay answers again. */
export interface IdempotentRecord {
  readonly job_id: string;
  readonly study_id?: string;
}

/**
 * A replay's earlier claim: its ids, and whether its job was enqueued. A claim not yet marked
 * enqueued is either still being created by the first request or was left by an API that died
 * before enqueueing it; either way the replay creates it again under the same ids (job ids make
 * that a no-op when the job exists).
 */
export interface EarlierClaim {
  readonly ids: IdempotentRecord;
  readonly enqueued: boolean;
}

const IDEMPOTENCY_TTL_S = 24 * 3600;

/**
 * `Idempotency-Key` on POST /train and POST /optimize, shared across replicas through Redis for
 * 24 hours: the same key and body answer the same job; the same key with another body is a 409.
 * A claim is written `pending` before the job is created and marked `enqueued` after, so a retry
 * after a crash in between creates the job instead of answering one that never existed.
 */
export class Idempotency {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  /** The request's `Idempotency-Key` header (1–255 visible ASCII characters), or undefined. */
  static keyOf(req: Request): string | undefined {
    const key = req.get("idempotency-key");
    if (key === undefined) return undefined;
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw new HttpError(400, "VALIDATION_ERROR", "`Idempotency-Key` must be 1 to 255 visible ASCII characters.");
    return key;
  }

  /**
   * Claims `key` for this body with the ids the request is about to create (pending). Answers
   * undefined when the claim is new (go on and create them), or the earlier claim.
   */
  async claim(scope: string, key: string, body: unknown, fresh: IdempotentRecord): Promise<EarlierClaim | undefined> {
    const slot = this.slotOf(scope, key);
    const value = JSON.stringify({ body: digest(body), ...fresh, state: "pending" });
    if ((await this.redis.set(slot, value, "EX", IDEMPOTENCY_TTL_S, "NX")) === "OK") return undefined;
    const earlier = JSON.parse((await this.redis.get(slot)) ?? "null") as ({ body: string; state?: "pending" | "enqueued" } & IdempotentRecord) | null;
    if (!earlier) return this.claim(scope, key, body, fresh);
    if (earlier.body !== digest(body)) {
      throw new HttpError(409, "IDEMPOTENCY_CONFLICT", `Idempotency-Key "${key}" was used within 24 h for a different request body.`, { job_id: earlier.job_id });
    }
    // A claim without a state was written before claims had one, after its job was enqueued.
    return { ids: { job_id: earlier.job_id, ...(earlier.study_id ? { study_id: earlier.study_id } : {}) }, enqueued: earlier.state !== "pending" };
  }

  /** Marks the claim of `key` enqueued: its job exists (the claim keeps its expiry). */
  async enqueued(scope: string, key: string, body: unknown, ids: IdempotentRecord): Promise<void> {
    await this.redis.set(this.slotOf(scope, key), JSON.stringify({ body: digest(body), ...ids, state: "enqueued" }), "KEEPTTL", "XX");
  }

  private slotOf(scope: string, key: string): string {
    return `${this.prefix}:idempotency:${scope}:${createHash("sha256").update(key).digest("hex")}`;
  }
}

/** A body's digest, independent of its keys' order. */
function digest(body: unknown): string {
  return createHash("sha256").update(canonical(body)).digest("hex");
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
