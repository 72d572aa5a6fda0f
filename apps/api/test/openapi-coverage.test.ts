import type { Express } from "express";
import { connect, postgresArtifactStore, postgresDatasetStore } from "@mlw/db";
import { JobQueues } from "@mlw/jobs";
import { createLogger, createRedis } from "@mlw/runtime";
import { apiRoutes, createApp } from "../src/app";
import type { Deps } from "../src/deps";
import { loadEnv } from "../src/env";
import { ApiMetrics } from "../src/http/metrics";
import { createServing } from "../src/serving/serving";
import { openApiDocument } from "../src/http/openapi";
import { ADMIN_KEY, DATABASE_URL, REDIS_URL } from "./support/stack";

/** Every `METHOD /path` Express routes (not the middleware mounted with `use`: Bull Board, /docs). */
function expressRoutes(app: Express): string[] {
  const stack = (app as unknown as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }).router.stack;
  return stack.flatMap((layer) => (layer.route ? Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path}`) : []));
}

/** The routes of `app` that the OpenAPI document does not describe. */
function undocumented(app: Express, doc: { paths: Record<string, Record<string, unknown>> }): string[] {
  const documented = new Set(Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ":$1")}`)));
  return expressRoutes(app).filter((r) => !documented.has(r));
}

let deps: Deps;

beforeAll(() => {
  const env = loadEnv({ REDIS_URL, DATABASE_URL, MLW_ADMIN_KEY: ADMIN_KEY, QUEUE_PREFIX: "t-openapi-coverage" });
  const redis = createRedis(env, "producer");
  const database = connect(env.DATABASE_URL, { max: 1 });
  deps = { env, log: createLogger("test", "silent"), redis, queues: new JobQueues(redis, env, env.QUEUE_PREFIX), database, artifacts: postgresArtifactStore(database.db), datasets: postgresDatasetStore(database), version: "test" };
});

afterAll(async () => {
  // Each app's rate-limit store loads its script into Redis as it is made: let that finish first.
  await new Promise((r) => setTimeout(r, 300));
  await deps.queues.close();
  await deps.redis.quit();
  await deps.database.close();
});

it("documents every route Express serves", async () => {
  const app = createApp(deps);
  const doc = openApiDocument(apiRoutes({ ...deps } as never, new ApiMetrics(deps.queues, createServing(deps))), "test") as unknown as { paths: Record<string, Record<string, unknown>> };
  expect(expressRoutes(app).length).toBeGreaterThanOrEqual(15);
  expect(undocumented(app, doc)).toEqual([]);
});

it("notices a route added to Express outside the declarations", async () => {
  const app = createApp(deps);
  app.get("/sneaky/:id", (_req, res) => void res.json({}));
  const doc = openApiDocument(apiRoutes({ ...deps } as never, new ApiMetrics(deps.queues, createServing(deps))), "test") as unknown as { paths: Record<string, Record<string, unknown>> };
  expect(undocumented(app, doc)).toEqual(["GET /sneaky/:id"]);
});
