import path from "node:path";
import type { QueueConfig } from "./types";

/** `train` jobs: a sandboxed processor per job, WORKER_CONCURRENCY at once. */
export const trainQueue: QueueConfig = {
  name: "train",
  processor: path.join(__dirname, "../processors/train.js"),
  concurrency: (env) => env.WORKER_CONCURRENCY,
};
