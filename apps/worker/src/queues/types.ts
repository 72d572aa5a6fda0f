import type { Processor, Queue } from "bullmq";
import type { JobName } from "@mlw/jobs";
import type { Env } from "../env";

/** What an in-process processor may use: producers for the queues it feeds. */
export interface ProcessorDeps {
  readonly queues: Readonly<Record<JobName, Queue>>;
}

/** How one queue is consumed: its processor and concurrency. */
export interface QueueConfig {
  readonly name: JobName;
  /**
   * A file path runs sandboxed in a child process (CPU-bound work, so the job lock keeps being
   * renewed); a factory builds a processor that runs in the worker's event loop (light work).
   */
  readonly processor: string | ((deps: ProcessorDeps) => Processor);
  readonly concurrency: (env: Env) => number;
}
