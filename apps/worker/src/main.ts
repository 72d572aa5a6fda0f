import { connect, migrateDatabase } from "@mlw/db";
import { JOB_KINDS } from "@mlw/jobs";
import { checkServices, ConfigError, createLogger, createRedis, redactedConfig, ServiceUnavailableError } from "@mlw/runtime";
import { backendName, initBackend } from "@mlw/ml-core/backend";
import { env } from "./env";
import { getContext } from "./context";
import { WorkerMetrics } from "./metrics";
import { startWorkers } from "./workers";

/**
 * Starts one worker process: checks Redis and Postgres, applies migrations, then consumes every
 * job kind's queue. SIGTERM/SIGINT stop taking jobs, let the active ones finish (or hand them back
 * after SHUTDOWN_TIMEOUT_MS) and close the connections.
 */
async function main(): Promise<void> {
  const config = env();
  const log = createLogger("mlw-worker", config.LOG_LEVEL, config.LOG_FORMAT);
  log.info({ config: redactedConfig(config) }, "worker starting");
  await checkServices(config, config.DATABASE_URL);
  if (config.MIGRATE_ON_START) {
    const database = connect(config.DATABASE_URL, { schema: config.DB_SCHEMA, max: 1 });
    await migrateDatabase(database);
    await database.close();
  }
  await initBackend(config.TFJS_BACKEND);
  log.info({ backend: backendName() }, "tensorflow backend ready");

  const connection = createRedis(config, "worker");
  const metrics = new WorkerMetrics();
  const workers = startWorkers(config, connection, log, { metrics });
  const metricsServer = await metrics.serve(config.METRICS_PORT, { db: (await getContext()).database.db, adminKey: config.MLW_ADMIN_KEY, token: config.METRICS_TOKEN, log });
  log.info({ queues: JOB_KINDS.map((k) => k.name), workerId: config.WORKER_ID }, "worker ready");

  let closing: Promise<void> | undefined;
  const shutdown = (signal: string): Promise<void> =>
    (closing ??= (async () => {
      log.info({ signal }, "worker shutting down");
      const timedOut = await Promise.race([
        workers.drain().then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), config.SHUTDOWN_TIMEOUT_MS).unref()),
      ]);
      if (timedOut) {
        // Nothing may yield between the kill and the exit (see killSandboxes).
        log.warn({ ms: config.SHUTDOWN_TIMEOUT_MS }, "active jobs did not finish in time; handing them back");
        workers.killSandboxes();
        log.info("worker stopped");
        process.exit(0);
      }
      metricsServer?.close();
      await workers.close();
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
