import { createHash, randomBytes } from "node:crypto";
import type { Request } from "express";
import type { RedisClient } from "@mlw/runtime";

/** The dashboard's session cookie. */
export const SESSION_COOKIE = "mlw_session";

/**
 * Dashboard sessions in Redis. A session id is 32 random bytes sent as an HttpOnly cookie;
 * Redis holds, under the sha256 of that id, the sha256 of the API key that opened it (never the
 * key, never the id itself), with a TTL. Each request resolves the key's hash as a bearer key
 * would be, so a revoked key closes its sessions and its role applies.
 */
export class SessionStore {
  /**
   * @param prefix QUEUE_PREFIX: sessions live under `<prefix>:ui-session:`.
   * @param ttlSeconds how long a session lasts from its creation (UI_SESSION_TTL_SECONDS).
   */
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    readonly ttlSeconds: number,
  ) {}

  /** Opens a session for the key whose sha256 is `keyHash`; answers the session id for the cookie. */
  async open(keyHash: string): Promise<string> {
    const id = randomBytes(32).toString("base64url");
    await this.redis.set(this.redisKey(id), keyHash, "EX", this.ttlSeconds);
    return id;
  }

  /** The key hash of session `id`, or undefined for an unknown or expired one. */
  async keyHashOf(id: string): Promise<string | undefined> {
    return (await this.redis.get(this.redisKey(id))) ?? undefined;
  }

  /** Ends session `id` (nothing happens for an unknown one). */
  async close(id: string): Promise<void> {
    await this.redis.del(this.redisKey(id));
  }

  private redisKey(id: string): string {
    return `${this.prefix}:ui-session:${createHash("sha256").update(id).digest("hex")}`;
  }
}

/** The session id in the request's `mlw_session` cookie, if any. */
export function sessionIdOf(req: Request): string | undefined {
  for (const part of (req.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}
