import { Queue, Worker } from "bullmq";
import { connect, migrateDatabase } from "@mlw/db";
import { checkServices, ConfigError, createLogger, createRedis, JOB_NAMES, redactedConfig, ServiceUnavailableError, type JobName } from "@mlw/jobs";
import { backendName, initBackend } from "@mlw/ml-core/backend";
import { env } from "./env";
import { QUEUES } from "./queues";

/**
 * Starts one worker process: checks Redis and Postgres, applies migrations, then consumes every
 * queue. SIGTERM/SIGINT stop taking jobs, let the active ones finish (or hand them back after
 * SHUTDOWN_TIMEOUT_MS) and close the connections.
 */
async function main(): Promise<void> {
  const config = env();
  const log = createLogger("mlw-worker", config.LOG_LEVEL);
  log.info({ config: redactedConfig(config) }, "worker starting");
  await checkServices(config.REDIS_URL, config.DATABASE_URL);
  if (config.MIGRATE_ON_START) {
    const database = connect(config.DATABASE_URL, { schema: config.DB_SCHEMA, max: 1 });
    await migrateDatabase(database);
    await database.close();
  }
  await initBackend(config.TFJS_BACKEND);
  log.info({ backend: backendName() }, "tensorflow backend ready");

  const connection = createRedis(config.REDIS_URL, "worker");
  const producers = Object.fromEntries(JOB_NAMES.map((n) => [n, new Queue(n, { connection, prefix: config.QUEUE_PREFIX })])) as Record<JobName, Queue>;
  const workers = QUEUES.map((q) => {
    const processor = typeof q.processor === "string" ? q.processor : q.processor({ queues: producers });
    const worker = new Worker(q.name, processor, {
      connection,
      prefix: config.QUEUE_PREFIX,
      concurrency: q.concurrency(config),
      lockDuration: config.JOB_LOCK_MS,
      stalledInterval: config.STALLED_INTERVAL_MS,
      maxStalledCount: 1,
      name: config.WORKER_ID,
    });
    worker.on("failed", (job, err) => log.warn({ jobId: job?.id, queue: q.name, err: err.message }, "job failed"));
    worker.on("error", (err) => log.error({ queue: q.name, err: err.message }, "worker error"));
    return worker;
  });
  log.info({ queues: QUEUES.map((q) => q.name), workerId: config.WORKER_ID }, "worker ready");

  let closing: Promise<void> | undefined;
  const shutdown = (signal: string): Promise<void> =>
    (closing ??= (async () => {
      log.info({ signal }, "worker shutting down");
      const graceful = Promise.all(workers.map((w) => w.close()));
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), config.SHUTDOWN_TIMEOUT_MS).unref()),
      ]);
      if (timedOut) {
        log.warn({ ms: config.SHUTDOWN_TIMEOUT_MS }, "active jobs did not finish in time; handing them back");
        await Promise.all(workers.map((w) => w.close(true)));
      }
      await Promise.all(Object.values(producers).map((p) => p.close()));
      await connection.quit().catch(() => connection.disconnect());
      log.info("worker stopped");
    })());
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => void shutdown(signal).then(() => process.exit(0)));
  }
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError || e instanceof ServiceUnavailableError) {
    process.stderr.write(`mlw-worker cannot start.\n${e.message}\n`);
  } else {
    process.stderr.write(`mlw-worker cannot start: ${(e as Error)?.stack ?? String(e)}\n`);
  }
  process.exit(1);
});
