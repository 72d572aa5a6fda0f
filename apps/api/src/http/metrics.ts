import type { RequestHandler } from "express";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { JobQueues } from "@mlw/jobs";
import type { Serving } from "../serving/serving";

const JOB_STATES = ["waiting", "active", "delayed", "prioritized", "completed", "failed"] as const;

/**
 * The API's Prometheus metrics (prom-client), in a registry of their own: request durations by
 * route and status, jobs by queue and state (read from Redis at each scrape, so one scrape shows
 * every queue of the deployment), predict latency by registered model and version, the model
 * cache's hits, misses, models and bytes, and the process defaults.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<"method" | "route" | "status">;

  constructor(queues: JobQueues, serving: Serving) {
    collectDefaultMetrics({ register: this.registry });
    this.watchServing(serving);
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

  /** Predict latency (as the prediction log records it) and the model cache, read at each scrape. */
  private watchServing(serving: Serving): void {
    const predictDuration = new Histogram({
      name: "mlw_predict_duration_seconds",
      help: "Predict requests, from their start to their answer, by registered model and version (both empty for a prediction by model id).",
      labelNames: ["model", "version"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [this.registry],
    });
    serving.predictions.onRecord = (served) => predictDuration.observe({ model: served.name ?? "", version: served.version === undefined ? "" : String(served.version) }, served.latencyMs / 1000);
    const lookups = serving.models.lookups;
    const counted = { hits: 0, misses: 0 };
    for (const kind of ["hits", "misses"] as const) {
      new Counter({
        name: `mlw_model_cache_${kind}_total`,
        help: kind === "hits" ? "Predict requests whose model was already loaded." : "Predict requests that loaded their model from its artifact.",
        registers: [this.registry],
        collect() {
          this.inc(lookups[kind] - counted[kind]);
          counted[kind] = lookups[kind];
        },
      });
    }
    new Gauge({ name: "mlw_model_cache_models", help: "Models loaded for predict.", registers: [this.registry], collect() { this.set(serving.models.size.models); } });
    new Gauge({ name: "mlw_model_cache_bytes", help: "Artifact bytes of the models loaded for predict.", registers: [this.registry], collect() { this.set(serving.models.size.bytes); } });
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
