import type { ArtifactStore, Database } from "@mlw/db";
import type { Logger } from "@mlw/jobs";
import type { Redis } from "ioredis";
import type { Env } from "./env";
import type { Queues } from "./queues";

/** What the routes need; built once in main.ts (or by a test). */
export interface Deps {
  readonly env: Readonly<Env>;
  readonly log: Logger;
  readonly redis: Redis;
  readonly queues: Queues;
  readonly database: Database;
  readonly artifacts: ArtifactStore;
  readonly version: string;
}
