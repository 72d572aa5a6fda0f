/**
 * The messages between a worker and its sandbox processes (over the IPC channel of
 * `child_process.fork`). A sandbox runs one job at a time; every job message names its job.
 */

/** What a sandboxed processor sees of its job (a subset of BullMQ's Job, without its methods). */
export interface SandboxJobData {
  readonly id: string;
  readonly name: string;
  readonly data: unknown;
  /** Attempts made before this one. */
  readonly attemptsMade: number;
  readonly opts: { readonly attempts?: number };
}

/** An error as it crosses the channel. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  /** Whether it is a BullMQ UnrecoverableError: the job must not be retried. */
  readonly unrecoverable: boolean;
}

/** From the worker to a sandbox. */
export type ToSandbox =
  /** Load these processor modules and warm them up, then answer `ready`. */
  | { readonly type: "init"; readonly modules: readonly string[] }
  /** Run `job` with the default export of `module`. */
  | { readonly type: "start"; readonly module: string; readonly job: SandboxJobData };

/** From a sandbox to the worker. */
export type FromSandbox =
  | { readonly type: "ready" }
  | { readonly type: "init-failed"; readonly error: SerializedError }
  | { readonly type: "progress"; readonly jobId: string; readonly value: unknown }
  | { readonly type: "completed"; readonly jobId: string; readonly value: unknown }
  | { readonly type: "failed"; readonly jobId: string; readonly error: SerializedError }
  /** Sent after each job: the statements the sandbox sent to Postgres since its last `stats`. */
  | { readonly type: "stats"; readonly dbQueries: number };
