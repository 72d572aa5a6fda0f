import { z } from "zod";
import { pendingMigrations } from "@mlw/db";
import { backendName } from "@mlw/ml-core/backend";
import type { Deps } from "../deps";
import { defineRoute, type Route } from "../http/route";

const TIMEOUT_MS = 2000;

const healthSchema = z.object({ status: z.enum(["ok", "degraded"]), redis: z.string(), postgres: z.string(), version: z.string(), tfjs_backend: z.string().nullable() });

const readySchema = z.object({ status: z.enum(["ready", "not ready"]), redis: z.string(), postgres: z.string(), migrations: z.string() });

/**
 * `GET /health`: 200 when Redis and Postgres answer, else 503 naming what is down; the probes
 * `/health/live` (the process answers) and `/health/ready` (Redis, Postgres and the migrations
 * are ready, else 503 naming what is not, so a load balancer stops sending traffic). Open without a key.
 */
export function healthRoutes(deps: Deps): Route[] {
  const probeServices = async () => {
    const [redis, postgres] = await Promise.all([probe(() => deps.redis.ping()), probe(() => deps.database.pool.query("SELECT 1"))]);
    return { redis, postgres };
  };
  let migrated = false;
  return [
    defineRoute({
      method: "get",
      path: "/health/live",
      tag: "operations",
      summary: "Liveness: the process answers",
      access: "public",
      responses: { 200: { description: "Alive.", schema: z.object({ status: z.literal("ok") }) } },
      handler({ res }) {
        res.json({ status: "ok" });
      },
    }),
    defineRoute({
      method: "get",
      path: "/health/ready",
      tag: "operations",
      summary: "Readiness: Redis, Postgres and the database migrations are ready",
      access: "public",
      responses: { 200: { description: "Ready for traffic.", schema: readySchema }, 503: { description: "Not ready; the body names what is not.", schema: readySchema } },
      async handler({ res }) {
        const { redis, postgres } = await probeServices();
        // Once applied, this process's migrations stay applied: Postgres is asked until then only.
        const migrations = migrated ? "ok" : postgres !== "ok" ? "unknown" : await probe(async () => {
          const pending = await pendingMigrations(deps.database);
          if (pending) throw new Error(`${pending} pending`);
        });
        migrated = migrations === "ok";
        const ready = redis === "ok" && postgres === "ok" && migrations === "ok";
        res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready", redis, postgres, migrations });
      },
    }),
    defineRoute({
      method: "get",
      path: "/health",
      tag: "operations",
      summary: "Whether Redis and Postgres answer",
      access: "public",
      responses: { 200: { description: "Everything answers.", schema: healthSchema }, 503: { description: "Something is down; the body names it.", schema: healthSchema } },
      async handler({ res }) {
        const { redis, postgres } = await probeServices();
        const ok = redis === "ok" && postgres === "ok";
        res.status(ok ? 200 : 503).json({ status: ok ? "ok" : "degraded", redis, postgres, version: deps.version, tfjs_backend: backendName() ?? null });
      },
    }),
  ];
}

async function probe(check: () => Promise<unknown>): Promise<string> {
  try {
    await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), TIMEOUT_MS).unref())]);
    return "ok";
  } catch (e) {
    return `down: ${(e as Error).message}`;
  }
}
