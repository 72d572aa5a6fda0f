import type { ArtifactStore, Database, DatasetStore } from "@mlw/db";
import type { JobQueues } from "@mlw/jobs";
import type { Logger, RedisClient } from "@mlw/runtime";
import type { Env } from "./env";

/** What the routes need; built once in main.ts (or by a test). */
export interface Deps {
  readonly env: Readonly<Env>;
  readonly log: Logger;
  readonly redis: RedisClient;
  readonly queues: JobQueues;
  readonly database: Database;
  readonly artifacts: ArtifactStore;
  readonly datasets: DatasetStore;
  readonly version: string;
}
