import type { RequestHandler } from "express";
import { collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { JobQueues } from "@mlw/jobs";

const JOB_STATES = ["waiting", "active", "delayed", "prioritized", "completed", "failed"] as const;

/**
 * The API's Prometheus metrics (prom-client), in a registry of their own: request durations by
 * route and status, jobs by queue and state (read from Redis at each scrape, so one scrape shows
 * every queue of the deployment), and the process defaults.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<"method" | "route" | "status">;

  constructor(queues: JobQueues) {
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: "mlw_http_request_duration_seconds",
      help: "HTTP requests by method, route (the declared path) and status.",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [this.registry],
    });
    new Gauge({
      name: "mlw_jobs",
      help: "Jobs by queue and state, read from Redis at each scrape.",
      labelNames: ["queue", "state"],
      registers: [this.registry],
      async collect() {
        await Promise.all(
          queues.all().map(async (queue) => {
            const counts = await queue.getJobCounts(...JOB_STATES);
            for (const state of JOB_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
          }),
        );
      },
    });
  }

  /** Middleware timing every request; the route label is the matched route's path, never the raw URL. */
  timeRequests(): RequestHandler {
    return (req, res, next) => {
      const end = this.httpDuration.startTimer();
      res.on("finish", () => {
        const route = (req.route as { path?: string } | undefined)?.path ?? (req.baseUrl || "unmatched");
        end({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    };
  }
}
