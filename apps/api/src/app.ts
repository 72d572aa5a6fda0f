import express, { type Express } from "express";
import { pinoHttp } from "pino-http";
import swaggerUi from "swagger-ui-express";
import { z } from "zod";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Deps } from "./deps";
import { errorHandler, HttpError } from "./errors";
import { Authenticator } from "./http/auth";
import type { AppContext } from "./http/context";
import { ActiveJobQuota, Idempotency, rateLimiter } from "./http/limits";
import { ApiMetrics } from "./http/metrics";
import { mountRoutes } from "./http/mount";
import { openApiDocument } from "./http/openapi";
import { defineRoute, type Route } from "./http/route";
import { algorithmRoutes } from "./routes/algorithms";
import { datasetRoutes } from "./routes/datasets";
import { feedbackRoutes } from "./routes/feedback";
import { healthRoutes } from "./routes/health";
import { jobRoutes } from "./routes/jobs";
import { keyRoutes } from "./routes/keys";
import { modelRoutes } from "./routes/models";
import { optimizeRoutes } from "./routes/optimize";
import { studyRoutes } from "./routes/studies";
import { studyRunRoutes } from "./routes/study-runs";
import { registryRoutes } from "./routes/registry";
import { servingRoutes } from "./routes/serving";
import { driftRoutes } from "./routes/drift";
import { createServing, type Serving } from "./serving/serving";
import { trainRoutes } from "./routes/train";
import { uiSessionRoutes } from "./routes/ui-session";
import { SessionStore } from "./http/sessions";
import { dashboard, dashboardDir } from "./http/dashboard";

/** Every route of the API, declared once (the OpenAPI document is made from these). */
export function apiRoutes(ctx: AppContext, metrics: ApiMetrics): Route[] {
  const routes = [...healthRoutes(ctx), metricsRoute(metrics), ...algorithmRoutes(), ...trainRoutes(ctx), ...optimizeRoutes(ctx), ...studyRoutes(ctx), ...studyRunRoutes(ctx), ...datasetRoutes(ctx), ...modelRoutes(ctx), ...registryRoutes(ctx), ...servingRoutes(ctx), ...feedbackRoutes(ctx), ...driftRoutes(ctx), ...jobRoutes(ctx), ...keyRoutes(ctx), ...uiSessionRoutes(ctx)];
  const document = openApiDocument([...routes, openApiRoute(() => document)], ctx.version);
  return [...routes, openApiRoute(() => document)];
}

function metricsRoute(metrics: ApiMetrics): Route {
  return defineRoute({
    method: "get",
    path: "/metrics",
    tag: "operations",
    summary: "Prometheus metrics",
    description: "Request durations, jobs by queue and state, process defaults. Opens to an admin key or `Authorization: Bearer <METRICS_TOKEN>`.",
    access: "metrics",
    rateLimited: false,
    responses: { 200: { description: "The Prometheus text format.", contentType: "text/plain", schema: z.string() } },
    async handler({ res }) {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    },
  });
}

function openApiRoute(document: () => unknown): Route {
  return defineRoute({
    method: "get",
    path: "/openapi.json",
    tag: "operations",
    summary: "This API's OpenAPI 3.1 document",
    access: "public",
    responses: { 200: { description: "The document.", schema: z.record(z.string(), z.unknown()) } },
    handler({ res }) {
      res.json(document());
    },
  });
}

/**
 * The Express application: every declared route behind its key check, rate limit and
 * validation; the dashboard's static files at /ui; interactive docs at /docs; Bull Board at /admin/queues for admin keys; one error
 * middleware.
 */
export function createApp(deps: Deps, serving: Serving = createServing(deps)): Express {
  const ctx: AppContext = {
    ...deps,
    auth: new Authenticator(deps.database.db, deps.env.MLW_ADMIN_KEY, deps.env.METRICS_TOKEN, new SessionStore(deps.redis, deps.env.QUEUE_PREFIX, deps.env.UI_SESSION_TTL_SECONDS)),
    quota: new ActiveJobQuota(deps.redis, deps.env.QUEUE_PREFIX, deps.env.MAX_ACTIVE_JOBS_PER_KEY),
    idempotency: new Idempotency(deps.redis, deps.env.QUEUE_PREFIX),
    serving,
  };
  const metrics = new ApiMetrics(deps.queues, serving);
  const app = express();
  app.disable("x-powered-by");
  app.use(metrics.timeRequests());
  app.set("query parser", "simple");
  app.use(pinoHttp({ logger: deps.log, autoLogging: { ignore: (req) => req.url?.startsWith("/health") === true || req.url === "/metrics" }, redact: ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]'] }));
  app.use(express.json({ limit: "5mb" }));

  const board = new ExpressAdapter();
  board.setBasePath("/admin/queues");
  createBullBoard({ queues: deps.queues.all().map((q) => new BullMQAdapter(q)), serverAdapter: board });
  app.use("/admin/queues", ctx.auth.requireAdminBasic(), board.getRouter());

  const routes = apiRoutes(ctx, metrics);
  mountRoutes(app, routes, ctx.auth, rateLimiter(deps.redis, deps.env.QUEUE_PREFIX, deps.env.RATE_LIMIT_PER_MIN));
  app.use("/ui", dashboard(deps.log, dashboardDir()));
  app.use("/docs", swaggerUi.serve, swaggerUi.setup(undefined, { swaggerOptions: { url: "/openapi.json", persistAuthorization: true }, customSiteTitle: "ML worker service API" }));

  app.use((req, _res, next) => next(new HttpError(404, "NOT_FOUND", `No route for ${req.method} ${req.path}.`)));
  app.use(errorHandler);
  return app;
}
