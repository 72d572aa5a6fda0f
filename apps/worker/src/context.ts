import { connect, datasetStoreFor, fsArtifactStore, postgresArtifactStore, type ArtifactStore, type Database, type DatasetStore } from "@mlw/db";
import { createLogger, type Logger } from "@mlw/runtime";
import { initBackend } from "@mlw/ml-core/backend";
import { env } from "./env";

/** What a processor needs, created once per process (the worker, and each sandbox process). */
export interface Context {
  readonly database: Database;
  readonly artifacts: ArtifactStore;
  /** Where uploaded datasets' bytes are fetched from. */
  readonly datasets: DatasetStore;
  readonly log: Logger;
}

let context: Context | undefined;

/** The lazily created context of this process (each sandbox process has its own). */
export async function getContext(): Promise<Context> {
  if (context) return context;
  const e = env();
  const log = createLogger("mlw-worker", e.LOG_LEVEL, e.LOG_FORMAT);
  const database = connect(e.DATABASE_URL, { schema: e.DB_SCHEMA, max: 4 });
  const artifacts = e.ARTIFACT_STORE === "fs" ? fsArtifactStore(e.MODELS_DIR) : postgresArtifactStore(database.db);
  await initBackend(e.TFJS_BACKEND);
  const datasets = datasetStoreFor(e.ARTIFACT_STORE, e.DATASETS_DIR, database);
  context = { database, artifacts, datasets, log };
  return context;
}
