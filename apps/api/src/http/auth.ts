import { timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { createFirstAdminKey, findApiKey, hashKey, touchApiKey, type Db, type Role } from "@mlw/db";
import type { Logger } from "@mlw/runtime";
import { HttpError } from "../errors";
import type { Access } from "./route";
import { sessionIdOf, type SessionStore } from "./sessions";

/** The caller of a request: the key it sent. */
export interface Principal {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
}

/** The roles each kind of access admits. */
export const ACCESS_ROLES: Readonly<Record<Exclude<Access, "public">, readonly Role[]>> = {
  admin: ["admin"],
  trainer: ["admin", "trainer"],
  predict: ["admin", "trainer", "predictor"],
  read: ["admin", "trainer", "reader"],
  "read-models": ["admin", "trainer", "predictor", "reader"],
  metrics: ["admin"],
};

/** How long a looked-up key is trusted before Postgres is asked again: a revoked key is refused by every process within this time. */
const CACHE_MS = 500;
/** `last_used_at` is written at most this often per key. */
const TOUCH_MS = 60_000;

/**
 * Finds the key a request carries. Keys are looked up by their sha256 in Postgres and cached
 * for half a second, so every API process refuses a revoked key within a second without a
 * query per request. `MLW_ADMIN_KEY`, when set, is an admin key as well.
 */
export class Authenticator {
  private readonly cache = new Map<string, { principal: Principal | undefined; until: number }>();
  private readonly touched = new Map<string, number>();
  private readonly adminHash: Buffer | undefined;
  private readonly metricsHash: Buffer | undefined;

  /**
   * @param adminKey MLW_ADMIN_KEY, an admin key when set.
   * @param metricsToken METRICS_TOKEN, which opens `/metrics` (and nothing else) when set.
   * @param sessions the dashboard's sessions: when given, a request may carry the session cookie instead of a key.
   */
  constructor(
    private readonly db: Db,
    adminKey: string | undefined,
    metricsToken?: string,
    readonly sessions?: SessionStore,
  ) {
    this.adminHash = adminKey ? Buffer.from(hashKey(adminKey), "hex") : undefined;
    this.metricsHash = metricsToken ? Buffer.from(hashKey(metricsToken), "hex") : undefined;
  }

  /** The principal of `key`, or undefined for an unknown or revoked key. */
  principalOf(key: string): Promise<Principal | undefined> {
    return this.principalOfHash(hashKey(key));
  }

  /** The principal of the key whose sha256 is `hash`, or undefined for an unknown or revoked key. */
  async principalOfHash(hash: string): Promise<Principal | undefined> {
    if (this.adminHash && timingSafeEqual(Buffer.from(hash, "hex"), this.adminHash)) return { keyId: "env-admin", name: "MLW_ADMIN_KEY", role: "admin" };
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit && hit.until > now) return hit.principal;
    const row = await findApiKey(this.db, hash);
    const principal = row && !row.revokedAt ? { keyId: row.id, name: row.name, role: row.role } : undefined;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { principal, until: now + CACHE_MS });
    if (principal && (this.touched.get(principal.keyId) ?? 0) + TOUCH_MS < now) {
      this.touched.set(principal.keyId, now);
      void touchApiKey(this.db, principal.keyId).catch(() => undefined);
    }
    return principal;
  }

  /**
   * Middleware: the request's bearer key, or its dashboard session cookie, must admit `access`;
   * sets `req.principal`. A state-changing request made with the cookie must also carry a JSON
   * body or an `X-Requested-With` header, which no cross-site form can send (CSRF).
   */
  require(access: Exclude<Access, "public">): RequestHandler {
    const roles = ACCESS_ROLES[access];
    return (req: Request, _res: Response, next: NextFunction) => {
      const token = bearerToken(req);
      const sessionId = token ? undefined : this.sessions && sessionIdOf(req);
      if (!token && !sessionId) {
        next(new HttpError(401, "UNAUTHENTICATED", `${req.method} ${req.path} needs an API key: send \`Authorization: Bearer <key>\`.`));
        return;
      }
      if (token && access === "metrics" && this.metricsHash && timingSafeEqual(Buffer.from(hashKey(token), "hex"), this.metricsHash)) return next();
      if (sessionId && !SAFE_METHODS.has(req.method) && !req.is("application/json") && !req.get("x-requested-with")) {
        next(new HttpError(403, "CSRF_CHECK_FAILED", `${req.method} ${req.path} with the session cookie needs a JSON body or an \`X-Requested-With\` header.`));
        return;
      }
      const found = token ? this.principalOf(token) : this.sessionPrincipal(sessionId!);
      found.then((principal) => {
        if (!principal) return next(new HttpError(401, "UNAUTHENTICATED", token ? "The API key is not valid, or it has been revoked." : "The session has expired, or its API key has been revoked: log in again with a key."));
        if (!roles.includes(principal.role)) {
          return next(new HttpError(403, "FORBIDDEN", `${req.method} ${req.path} needs a key with the role ${roles.join(" or ")}; the key "${principal.name}" has the role ${principal.role}.`, { required: roles, role: principal.role }));
        }
        (req as RequestWithPrincipal).principal = principal;
        next();
      }, next);
    };
  }

  /** The principal of dashboard session `id`: its key's, looked up as a bearer key is. */
  async sessionPrincipal(id: string): Promise<Principal | undefined> {
    const hash = await this.sessions?.keyHashOf(id);
    return hash ? this.principalOfHash(hash) : undefined;
  }

  /**
   * Middleware for pages a browser opens (Bull Board): HTTP basic auth whose password is an admin
   * key (any user name), or the dashboard session cookie of an admin key. Without it: 401 with `WWW-Authenticate: Basic`, never a redirect.
   */
  requireAdminBasic(): RequestHandler {
    return (req, res, next) => {
      const refuse = (message: string): void => {
        res.set("WWW-Authenticate", 'Basic realm="mlw admin", charset="UTF-8"').status(401).json({ error: { code: "UNAUTHENTICATED", message } });
      };
      const password = basicPassword(req) ?? bearerToken(req);
      const sessionId = password ? undefined : this.sessions && sessionIdOf(req);
      if (!password && !sessionId) return refuse("Bull Board needs an admin key: sign in with any user name and the key as the password.");
      (password ? this.principalOf(password) : this.sessionPrincipal(sessionId!)).then((principal) => {
        if (principal?.role !== "admin") return refuse("Bull Board needs an admin key, and this is not one.");
        next();
      }, next);
    };
  }
}

/** Methods that change nothing, open to the session cookie without a CSRF check. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A request that passed `Authenticator.require`. */
export type RequestWithPrincipal = Request & { principal?: Principal };

/** The key of an `Authorization: Bearer <key>` header. */
export function bearerToken(req: Request): string | undefined {
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(req.get("authorization") ?? "");
  return m?.[1];
}

function basicPassword(req: Request): string | undefined {
  const m = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(req.get("authorization") ?? "");
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}

/**
 * Secure by default: on the first start, when the database holds no key and no MLW_ADMIN_KEY is
 * set, makes an admin key and prints it once in the log (it is not stored and cannot be shown again).
 */
export async function bootstrapAdminKey(db: Db, adminKeySet: boolean, log: Logger): Promise<void> {
  if (adminKeySet) return;
  const key = await createFirstAdminKey(db, "bootstrap-admin");
  if (key) {
    log.warn({ admin_key: key }, "created the first admin key; it is shown only this once: send it as `Authorization: Bearer <key>` and make other keys with POST /admin/keys");
  }
}
