import { createServer, type Server } from "node:http";
import { timingSafeEqual } from "node:crypto";
import type { Job, Worker } from "bullmq";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { findApiKey, hashKey, queriesSent, type Db } from "@mlw/db";
import type { Logger } from "@mlw/runtime";

/**
 * A worker's Prometheus metrics (prom-client): how long job attempts take by queue, algorithm and
 * outcome, the trials finished by state, the statements sent to Postgres, and the process defaults.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly jobDuration: Histogram<"queue" | "algorithm" | "outcome">;
  private readonly trials: Counter<"state">;
  private readonly dbQueries: Counter<"process">;
  private readonly driftShare: Gauge<"model" | "version">;
  private readonly driftColumn: Gauge<"model" | "version" | "column">;
  /** The columns each (model, version) has series for, so that a later check can remove them. */
  private readonly driftColumns = new Map<string, string[]>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.jobDuration = new Histogram({
      name: "mlw_job_duration_seconds",
      help: "Job attempts by queue, algorithm and outcome (completed or failed), from start to end.",
      labelNames: ["queue", "algorithm", "outcome"],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
      registers: [this.registry],
    });
    this.driftShare = new Gauge({ name: "mlw_drift_share", help: "Share of input columns drifted at the last scheduled drift check, by registered model and version.", labelNames: ["model", "version"], registers: [this.registry] });
    this.driftColumn = new Gauge({ name: "mlw_drift_column", help: "1 when the column drifted at the last scheduled drift check, else 0.", labelNames: ["model", "version", "column"], registers: [this.registry] });
    this.trials = new Counter({ name: "mlw_trials_finished_total", help: "Trials finished by state (complete, pruned, failed).", labelNames: ["state"], registers: [this.registry] });
    let counted = queriesSent();
    this.dbQueries = new Counter({
      name: "mlw_db_queries_total",
      help: "Statements sent to Postgres, by the worker's own process (coordinators, light jobs) or its sandboxes (trials, train, evaluate; counted when each job ends).",
      labelNames: ["process"],
      registers: [this.registry],
      // The worker's own statements are read when scraped; the sandboxes' come with `countSandboxQueries`.
      collect() {
        const sent = queriesSent();
        this.inc({ process: "worker" }, sent - counted);
        counted = sent;
      },
    });
  }

  /** Sets the drift gauges of a registered model's version from its last check's columns (none: its series are removed). */
  setDrift(model: string, version: number, columns: readonly { column: string; drifted: boolean }[] | undefined): void {
    const labels = { model, version: String(version) };
    const key = `${model}\0${version}`;
    for (const column of this.driftColumns.get(key) ?? []) this.driftColumn.remove({ ...labels, column });
    this.driftColumns.set(key, columns?.map((c) => c.column) ?? []);
    if (!columns?.length) return void this.driftShare.remove(labels);
    this.driftShare.set(labels, columns.filter((c) => c.drifted).length / columns.length);
    for (const c of columns) this.driftColumn.set({ ...labels, column: c.column }, c.drifted ? 1 : 0);
  }

  /** Counts statements a sandbox sent to Postgres. */
  countSandboxQueries(n: number): void {
    this.dbQueries.inc({ process: "sandbox" }, n);
  }

  /** Records every attempt `worker` finishes. */
  watch(worker: Worker): void {
    worker.on("completed", (job, result: { state?: string } | undefined) => {
      this.observe(worker.name, job, "completed");
      if (worker.name === "trial" && result?.state && result.state !== "skipped") this.trials.inc({ state: result.state });
    });
    worker.on("failed", (job) => {
      if (!job) return;
      this.observe(worker.name, job, "failed");
      if (worker.name === "trial" && job.attemptsMade >= (job.opts.attempts ?? 1)) this.trials.inc({ state: "failed" });
    });
  }

  private observe(queue: string, job: Job, outcome: "completed" | "failed"): void {
    const algorithm = typeof job.data?.algorithm === "string" ? job.data.algorithm : "";
    const start = job.processedOn;
    if (start) this.jobDuration.observe({ queue, algorithm, outcome }, Math.max(0, ((job.finishedOn ?? Date.now()) - start) / 1000));
  }

  /**
   * Serves `/metrics` on `port` for an admin key (MLW_ADMIN_KEY or one in Postgres) or
   * METRICS_TOKEN. A port already taken (several workers on one host) logs a warning; the worker
   * works on without it. Answers the server once listening, or undefined.
   */
  serve(port: number, options: { db: Db; adminKey?: string; token?: string; log: Logger }): Promise<Server | undefined> {
    const secrets = [options.adminKey, options.token].filter((s): s is string => !!s).map((s) => Buffer.from(hashKey(s), "hex"));
    const allowed = async (header: string | undefined): Promise<boolean> => {
      const token = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? "")?.[1];
      if (!token) return false;
      const hash = hashKey(token);
      if (secrets.some((s) => timingSafeEqual(s, Buffer.from(hash, "hex")))) return true;
      const row = await findApiKey(options.db, hash);
      return row?.role === "admin" && !row.revokedAt;
    };
    const server = createServer((req, res) => {
      if (req.method !== "GET" || req.url !== "/metrics") return void res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "NOT_FOUND", message: "Only GET /metrics is served here." } }));
      allowed(req.headers.authorization)
        .then(async (ok) => {
          if (!ok) return void res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "UNAUTHENTICATED", message: "GET /metrics needs an admin key or METRICS_TOKEN." } }));
          res.writeHead(200, { "content-type": this.registry.contentType }).end(await this.registry.metrics());
        })
        .catch(() => void res.writeHead(500).end());
    });
    return new Promise((resolve) => {
      server.once("error", (e: NodeJS.ErrnoException) => {
        options.log.warn({ port, err: e.message }, "metrics port taken; this worker serves no /metrics");
        resolve(undefined);
      });
      server.listen(port, () => {
        const address = server.address();
        options.log.info({ port: typeof address === "object" && address ? address.port : port }, "worker metrics listening");
        resolve(server);
      });
    });
  }
}
