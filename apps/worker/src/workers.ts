import path from "node:path";
import { Worker, type Processor } from "bullmq";
import { failedJobError, JOB_KINDS, JobCancelledError, jobCancelsChannel, JobQueues, type JobCancelMessage, type JobKind } from "@mlw/jobs";
import type { Logger, RedisClient } from "@mlw/runtime";
import type { Env } from "./env";
import type { WorkerMetrics } from "./metrics";
import { SandboxPool } from "./sandbox/sandbox-pool";
import { SandboxRunner, type SandboxTask } from "./sandbox/sandbox-runner";

/**
 * How often a job of the worker's event loop is taken back after its worker died. Such a job fits
 * nothing itself (the optimize orchestrator enqueues trials and waits), so only a dying machine
 * stalls it: a study must not fail because two machines died while it ran. The bound only stops
 * a job that somehow kills every worker from going round for ever.
 */
const LIGHT_JOB_MAX_STALLS = 1000;

/** What an in-process processor may use: the producers of every queue (a coordinator enqueues trials). */
export interface ProcessorDeps {
  readonly queues: JobQueues;
  /** The worker's metrics, for a processor that sets gauges (drift). */
  readonly metrics?: WorkerMetrics;
}

/** The default export of an in-process processor's module: builds the processor. */
export type ProcessorFactory = (deps: ProcessorDeps) => Processor;

/** The consumers of every job kind in this process, and how to stop them. */
export interface Workers {
  readonly workers: readonly Worker[];
  readonly queues: JobQueues;
  /** Stops taking new jobs and resolves once the active ones have finished. */
  drain(): Promise<void>;
  /** Closes the consumers, the sandboxes and the producers; `force` does not wait for active jobs. */
  close(force?: boolean): Promise<void>;
  /**
   * Kills the sandboxes at once (SIGKILL), synchronously. Exit right after, without yielding:
   * the jobs' locks are no longer renewed, so another worker takes them back after JOB_LOCK_MS,
   * as if this process had died, without counting a failed attempt.
   */
  killSandboxes(): void;
  /**
   * Stops a job this process is running (BullMQ's `Worker.cancelJob`): a sandboxed job's sandbox is
   * killed and the job fails with CANCELLED, unretried; an in-process job (a study's coordinator)
   * gets its abort signal. Answers whether the job was running here. Every worker process calls it
   * for each cancel published on `jobCancelsChannel` (`JobQueues.cancel`).
   */
  cancel(jobId: string, reason?: string): boolean;
}

/** Where the sandboxes come from (tests point them at the built files and at processors of their own). */
export interface SandboxOptions {
  /** The sandbox's entry file (default: the built `sandbox/child.js`). */
  readonly entry?: string;
  /** Processor modules by kind name, in place of `processors/<kind>.js`. */
  readonly modules?: Readonly<Record<string, string>>;
}

/**
 * Starts one BullMQ Worker per job kind, built from the kinds' declarations: the processor is
 * the default export of `processors/<kind>` (run in a sandbox for a sandboxed kind, with the
 * kind's time limit, or a factory run here), the concurrency comes from the declaration or the
 * setting it names. A scheduled kind (`every`) gets its job scheduler upserted.
 * @param kinds the job kinds to consume (default: every kind of the catalog).
 * @param factories in-process processors by kind name, in place of the module (tests).
 * @param sandbox where the sandboxes come from (tests).
 * @param metrics records every attempt's duration and outcome.
 */
export function startWorkers(
  config: Readonly<Env>,
  connection: RedisClient,
  log: Logger,
  { kinds = JOB_KINDS, factories = {}, sandbox = {}, metrics }: { kinds?: readonly JobKind[]; factories?: Record<string, ProcessorFactory>; sandbox?: SandboxOptions; metrics?: WorkerMetrics } = {},
): Workers {
  const queues = new JobQueues(connection, config, config.QUEUE_PREFIX, kinds);
  const moduleOf = (kind: JobKind): string => sandbox.modules?.[kind.name] ?? path.join(__dirname, "processors", `${kind.name}.js`);
  const sandboxedKinds = kinds.filter((k) => k.worker.sandboxed && !factories[k.name]);
  const pool = new SandboxPool({
    modules: sandboxedKinds.map(moduleOf),
    log,
    ...(sandbox.entry ? { entry: sandbox.entry } : {}),
    onStats: (stats) => metrics?.countSandboxQueries(stats.dbQueries),
  });
  const runner = new SandboxRunner(pool, log);

  /** The ids of the jobs this process runs now. */
  const running = new Set<string>();
  const processorOf = (kind: JobKind): Processor => {
    const run = runnerOf(kind);
    // Three parameters: BullMQ then gives each job an abort signal (`Worker.cancelJob`).
    // A job cancelled before a worker took it fails before it runs.
    return async (job, token, signal) => {
      running.add(job.id!);
      try {
        const cancelled = await queues.cancelRequested(job.id!);
        if (cancelled !== null) throw new JobCancelledError(kind.name, cancelled);
        return await run(job, token, signal);
      } catch (e) {
        // Its errors become the failure envelope, as in a sandbox (see `processors/sandboxed.ts`).
        throw failedJobError(e);
      } finally {
        running.delete(job.id!);
      }
    };
  };
  const runnerOf = (kind: JobKind): Processor => {
    if (sandboxedKinds.includes(kind)) {
      const task: SandboxTask = { kind: kind.name, module: moduleOf(kind), ...timeoutOf(kind, config) };
      return (job, _token, signal) => runner.run(job, task, signal);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const factory = factories[kind.name] ?? (require(moduleOf(kind)) as { default: ProcessorFactory }).default;
    return factory({ queues, metrics });
  };

  const workers = kinds.map((kind) => {
    const worker = new Worker(kind.name, processorOf(kind), {
      connection,
      prefix: config.QUEUE_PREFIX,
      concurrency: typeof kind.worker.concurrency === "number" ? kind.worker.concurrency : config[kind.worker.concurrency],
      lockDuration: config.JOB_LOCK_MS,
      stalledInterval: config.STALLED_INTERVAL_MS,
      maxStalledCount: kind.worker.sandboxed ? config.MAX_STALLED_COUNT : LIGHT_JOB_MAX_STALLS,
      name: config.WORKER_ID,
    });
    worker.on("failed", (job, err) => log.warn({ jobId: job?.id, queue: kind.name, err: err.message }, "job failed"));
    metrics?.watch(worker);
    worker.on("error", (err) => log.error({ queue: kind.name, err: err.message }, "worker error"));
    return worker;
  });
  const cancel = (jobId: string, reason?: string): boolean => workers.map((w) => w.cancelJob(jobId, reason)).some(Boolean);
  // On each (re)connection of the subscription, the running jobs' recorded cancels: one published meanwhile was missed.
  const recheck = async (): Promise<void> => {
    for (const id of running) {
      const reason = await queues.cancelRequested(id);
      if (reason !== null && cancel(id, reason)) log.info({ jobId: id, reason }, "job cancelled");
    }
  };
  const cancels = listenForCancels(connection, config.QUEUE_PREFIX, log, cancel, recheck);
  for (const kind of kinds) {
    if (kind.every) queues.schedule(kind, config[kind.every]).catch((e: unknown) => log.error({ queue: kind.name, err: (e as Error).message }, "could not schedule the job kind"));
  }
  return {
    workers,
    queues,
    async drain() {
      await Promise.all(workers.map((w) => w.pause(false)));
    },
    async close(force = false) {
      await Promise.all(workers.map((w) => w.close(force)));
      await pool.close(force ? 0 : undefined);
      await cancels.quit().catch(() => cancels.disconnect());
      await queues.close();
    },
    killSandboxes: () => pool.killAll(),
    cancel,
  };
}

/**
 * Subscribes (on a duplicate of `connection`) to the cancels `JobQueues.cancel` publishes, and
 * calls `cancel` for each: the process running the job stops it, the others ignore it. A cancel
 * published while the subscription was down is found by `recheck`, called on each connection
 * (and a job that had not started finds it before it runs). Answers the subscriber, to close.
 */
function listenForCancels(connection: RedisClient, prefix: string, log: Logger, cancel: (jobId: string, reason: string) => boolean, recheck: () => Promise<void>): RedisClient {
  const subscriber = connection.duplicate();
  subscriber.on("error", () => undefined);
  subscriber.on("ready", () => void recheck().catch((e: unknown) => log.warn({ err: (e as Error).message }, "recorded job cancels not checked")));
  subscriber.on("message", (_channel: string, text: string) => {
    let message: JobCancelMessage;
    try {
      message = JSON.parse(text) as JobCancelMessage;
    } catch {
      return log.warn({ message: text }, "unreadable job cancel ignored");
    }
    if (cancel(message.job_id, message.reason)) log.info({ jobId: message.job_id, reason: message.reason }, "job cancelled");
  });
  subscriber.subscribe(jobCancelsChannel(prefix)).catch((e: unknown) => log.error({ err: (e as Error).message }, "job cancels not subscribed: running jobs cannot be cancelled"));
  return subscriber;
}

/** A sandboxed kind's time limit: the seconds its declaration gives, or the setting it names holds. */
function timeoutOf(kind: JobKind, config: Readonly<Env>): Pick<SandboxTask, "timeout"> {
  const { timeout } = kind.worker;
  if (timeout === undefined) return {};
  return { timeout: typeof timeout === "number" ? { seconds: timeout } : { seconds: config[timeout], setting: timeout } };
}
