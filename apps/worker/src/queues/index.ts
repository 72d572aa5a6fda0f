import { evaluateQueue } from "./evaluate";
import { optimizeQueue } from "./optimize";
import { trainQueue } from "./train";
import { trialQueue } from "./trial";
import type { QueueConfig } from "./types";

/** Every queue this worker consumes. */
export const QUEUES: readonly QueueConfig[] = [trainQueue, optimizeQueue, trialQueue, evaluateQueue];
export type { QueueConfig, ProcessorDeps } from "./types";
