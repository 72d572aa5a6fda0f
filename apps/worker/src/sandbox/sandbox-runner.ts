import { UnrecoverableError, type Job, type JobProgress } from "bullmq";
import { JobCancelledError, JobTimeoutError, type JobStoppedError } from "@mlw/jobs";
import type { Logger } from "@mlw/runtime";
import type { FromSandbox, SerializedError, ToSandbox } from "./protocol";
import { describeExit, type SandboxPool } from "./sandbox-pool";

/** What to run a job with, in a sandbox. */
export interface SandboxTask {
  /** The job's kind, as messages name it. */
  readonly kind: string;
  /** The processor module (its default export is a `SandboxProcessor`). */
  readonly module: string;
  /** The time limit of this attempt, and the setting that holds it; none when undefined. */
  readonly timeout?: { readonly seconds: number; readonly setting?: string };
}

/**
 * Runs jobs in the sandboxes of a pool, from a processor in the worker's event loop (which
 * keeps renewing the jobs' locks): sends the job to a sandbox, forwards its progress to the job,
 * and answers its outcome. The worker can stop a job the sandbox cannot be asked to stop (a
 * synchronous fit): past the job's time limit, or when the job's abort signal fires (BullMQ's
 * `Worker.cancelJob`), it kills the sandbox, and the job fails unretried (JOB_TIMEOUT,
 * CANCELLED). A sandbox that dies on its own fails the job with an ordinary error, which BullMQ
 * retries.
 */
export class SandboxRunner {
  constructor(
    private readonly pool: SandboxPool,
    private readonly log: Logger,
  ) {}

  /**
   * Runs one attempt of `job`; resolves with its result, rejects with why it failed.
   * @param signal aborted to cancel the job (its reason, a string, goes into the message).
   */
  async run(job: Job, task: SandboxTask, signal?: AbortSignal): Promise<unknown> {
    const jobId = job.id!;
    const child = await this.pool.retain();
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const finish = (sandbox: "release" | "replace", settle: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
        signal?.removeEventListener("abort", onAbort);
        if (sandbox === "release") this.pool.release(child);
        else this.pool.replace(child);
        settle();
      };
      const stop = (error: JobStoppedError): void => {
        this.log.warn({ jobId, queue: task.kind, pid: child.pid, code: error.code }, "job stopped, sandbox killed");
        finish("replace", () => reject(error));
      };
      const onMessage = (message: FromSandbox): void => {
        if (!("jobId" in message) || message.jobId !== jobId) return;
        if (message.type === "progress") {
          job.updateProgress(message.value as JobProgress).catch((e: Error) => this.log.warn({ jobId, err: e.message }, "progress not saved"));
        } else if (message.type === "completed") {
          finish("release", () => resolve(message.value));
        } else if (message.type === "failed") {
          finish("release", () => reject(errorOf(message.error)));
        }
      };
      const onExit = (code: number | null, exitSignal: NodeJS.Signals | null): void =>
        finish("replace", () => reject(new Error(`The sandbox process running the job exited unexpectedly (${describeExit(code, exitSignal)}).`)));
      const cancelled = (): JobCancelledError => new JobCancelledError(task.kind, typeof signal?.reason === "string" ? signal.reason : undefined);
      const onAbort = (): void => stop(cancelled());

      // Cancelled while it waited for a sandbox: it never started there, so the sandbox stays.
      if (signal?.aborted) {
        this.log.info({ jobId, queue: task.kind }, "job cancelled before it started");
        return finish("release", () => reject(cancelled()));
      }
      child.on("message", onMessage);
      child.on("exit", onExit);
      signal?.addEventListener("abort", onAbort, { once: true });
      const { timeout } = task;
      if (timeout) timer = setTimeout(() => stop(new JobTimeoutError(task.kind, timeout.seconds, timeout.setting)), timeout.seconds * 1000);
      const start: ToSandbox = {
        type: "start",
        module: task.module,
        job: { id: jobId, name: job.name, data: job.data, attemptsMade: job.attemptsMade, opts: { attempts: job.opts.attempts } },
      };
      child.send(start, (e) => e && finish("replace", () => reject(e)));
    });
  }
}

function errorOf({ name, message, unrecoverable }: SerializedError): Error {
  const error = unrecoverable ? new UnrecoverableError(message) : new Error(message);
  if (!unrecoverable) error.name = name;
  return error;
}
