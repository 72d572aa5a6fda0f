import path from "node:path";
import type { QueueConfig } from "./types";

/** `evaluate` jobs: sandboxed, WORKER_CONCURRENCY at once. */
export const evaluateQueue: QueueConfig = {
  name: "evaluate",
  processor: path.join(__dirname, "../processors/evaluate.js"),
  concurrency: (env) => env.WORKER_CONCURRENCY,
};
