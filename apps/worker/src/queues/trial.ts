import path from "node:path";
import type { QueueConfig } from "./types";

/** `trial` jobs: one cross-validated trial each, sandboxed, TRIAL_CONCURRENCY at once. */
export const trialQueue: QueueConfig = {
  name: "trial",
  processor: path.join(__dirname, "../processors/trial.js"),
  concurrency: (env) => env.TRIAL_CONCURRENCY,
};
