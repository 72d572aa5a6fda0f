import { Router } from "express";
import { backendName } from "@mlw/ml-core/backend";
import type { Deps } from "../deps";

const TIMEOUT_MS = 2000;

/** `GET /health`: 200 when Redis and Postgres answer, else 503 naming what is down. */
export function healthRoutes(deps: Deps): Router {
  const router = Router();
  router.get("/health", async (_req, res) => {
    const [redis, postgres] = await Promise.all([
      probe(() => deps.redis.ping()),
      probe(() => deps.database.pool.query("SELECT 1")),
    ]);
    const ok = redis === "ok" && postgres === "ok";
    res.status(ok ? 200 : 503).json({ status: ok ? "ok" : "degraded", redis, postgres, version: deps.version, tfjs_backend: backendName() ?? null });
  });
  return router;
}

async function probe(check: () => Promise<unknown>): Promise<string> {
  try {
    await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), TIMEOUT_MS).unref())]);
    return "ok";
  } catch (e) {
    return `down: ${(e as Error).message}`;
  }
}
