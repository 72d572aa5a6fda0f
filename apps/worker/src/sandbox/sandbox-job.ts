import type { SandboxJobData } from "./protocol";

/** The job a sandboxed processor receives: its data, and a way to report progress. */
export interface SandboxJob extends SandboxJobData {
  /** Sets the job's progress (the worker writes it to the job). */
  updateProgress(value: object | number | string | boolean): Promise<void>;
}

/**
 * A sandboxed processor: the default export of `processors/<kind>.ts`, run in a sandbox process.
 * Its optional `warm` runs once when a sandbox starts, before it takes any job (and outside any
 * job's time limit): connections and the TensorFlow backend.
 */
export type SandboxProcessor<R = unknown> = ((job: SandboxJob) => Promise<R>) & { warm?: () => Promise<void> };
