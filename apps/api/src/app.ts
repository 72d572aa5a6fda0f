import express, { type Express } from "express";
import { pinoHttp } from "pino-http";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Deps } from "./deps";
import { errorHandler, HttpError } from "./errors";
import { algorithmRoutes } from "./routes/algorithms";
import { healthRoutes } from "./routes/health";
import { jobRoutes } from "./routes/jobs";
import { modelRoutes } from "./routes/models";
import { optimizeRoutes } from "./routes/optimize";
import { trainRoutes } from "./routes/train";

/** The Express application: JSON API, Bull Board at /admin/queues, one error middleware. */
export function createApp(deps: Deps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.use(pinoHttp({ logger: deps.log, autoLogging: { ignore: (req) => req.url === "/health" } }));
  app.use(express.json({ limit: "5mb" }));

  const board = new ExpressAdapter();
  board.setBasePath("/admin/queues");
  createBullBoard({ queues: deps.queues.all().map((q) => new BullMQAdapter(q)), serverAdapter: board });
  app.use("/admin/queues", board.getRouter());

  app.use(healthRoutes(deps));
  app.use(algorithmRoutes());
  app.use(trainRoutes(deps));
  app.use(optimizeRoutes(deps));
  app.use(modelRoutes(deps));
  app.use(jobRoutes(deps));

  app.use((req, _res, next) => next(new HttpError(404, "NOT_FOUND", `No route for ${req.method} ${req.path}.`)));
  app.use(errorHandler);
  return app;
}
