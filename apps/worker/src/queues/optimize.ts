import { optimizeProcessor } from "../processors/optimize";
import type { QueueConfig } from "./types";

/** `optimize` jobs: study coordinators. They only sample and wait, so many run in the event loop. */
export const optimizeQueue: QueueConfig = {
  name: "optimize",
  processor: ({ queues }) => optimizeProcessor({ trial: queues.trial, train: queues.train }),
  concurrency: () => 8,
};
