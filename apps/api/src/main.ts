import { connect, datasetStoreFor, fsArtifactStore, migrateDatabase, postgresArtifactStore } from "@mlw/db";
import { JobQueues } from "@mlw/jobs";
import { checkServices, ConfigError, createLogger, createRedis, redactedConfig, ServiceUnavailableError } from "@mlw/runtime";
import { backendName, initBackend } from "@mlw/ml-core/backend";
import { createApp } from "./app";
import { createServing } from "./serving/serving";
import type { Deps } from "./deps";
import { bootstrapAdminKey } from "./http/auth";
import { loadEnv } from "./env";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require("../package.json") as { version: string };

/** Starts the HTTP API: checks Redis and Postgres, applies migrations, listens on HOST:PORT. */
async function main(): Promise<void> {
  const env = loadEnv();
  const log = createLogger("mlw-api", env.LOG_LEVEL, env.LOG_FORMAT);
  log.info({ config: redactedConfig(env) }, "api starting");
  await checkServices(env, env.DATABASE_URL);
  const database = connect(env.DATABASE_URL, { schema: env.DB_SCHEMA });
  if (env.MIGRATE_ON_START) await migrateDatabase(database);
  await initBackend(env.TFJS_BACKEND);
  log.info({ backend: backendName() }, "tensorflow backend ready");
  const redis = createRedis(env, "producer");
  const queues = new JobQueues(redis, env, env.QUEUE_PREFIX);
  const artifacts = env.ARTIFACT_STORE === "fs" ? fsArtifactStore(env.MODELS_DIR) : postgresArtifactStore(database.db);
  await bootstrapAdminKey(database.db, env.MLW_ADMIN_KEY !== undefined, log);
  const datasets = datasetStoreFor(env.ARTIFACT_STORE, env.DATASETS_DIR, database);
  const deps: Deps = { env, log, redis, queues, database, artifacts, datasets, version };
  const serving = createServing(deps);
  await serving.start();
  const server = createApp(deps, serving).listen(env.PORT, env.HOST, () => {
    const address = server.address();
    log.info({ host: env.HOST, port: typeof address === "object" && address ? address.port : env.PORT }, "api listening");
  });

  let closing: Promise<void> | undefined;
  const shutdown = (signal: string): Promise<void> =>
    (closing ??= (async () => {
      log.info({ signal }, "api shutting down");
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await serving.close();
      await queues.close();
      await redis.quit().catch(() => redis.disconnect());
      await database.close();
      log.info("api stopped");
    })());
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      setTimeout(() => process.exit(1), 10_000).unref();
      void shutdown(signal).then(() => process.exit(0));
    });
  }
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError || e instanceof ServiceUnavailableError) {
    process.stderr.write(`mlw-api cannot start.\n${e.message}\n`);
  } else {
    process.stderr.write(`mlw-api cannot start: ${(e as Error)?.stack ?? String(e)}\n`);
  }
  process.exit(1);
});
