import path from "node:path";
import { Worker, type Processor } from "bullmq";
import type { Redis } from "ioredis";
import { failedJobError, JOB_KINDS, JobQueues, type JobKind } from "@mlw/jobs";
import type { Logger } from "@mlw/runtime";
import type { Env } from "./env";

/** What an in-process processor may use: the producers of every queue (a coordinator enqueues trials). */
export interface ProcessorDeps {
  readonly queues: JobQueues;
}

/** The default export of an in-process processor's module: builds the processor. */
export type ProcessorFactory = (deps: ProcessorDeps) => Processor;

/** The consumers of every job kind in this process, and how to stop them. */
export interface Workers {
  readonly workers: readonly Worker[];
  readonly queues: JobQueues;
  /** Stops taking new jobs and resolves once the active ones have finished. */
  drain(): Promise<void>;
  /** Closes the consumers and producers; `force` does not wait for active jobs. */
  close(force?: boolean): Promise<void>;
  /**
   * Kills the sandboxes still running jobs, at once (SIGKILL). Exit right after, without
   * yielding: the jobs' locks are no longer renewed, so another worker takes them back after
   * JOB_LOCK_MS, as if this process had died, without counting a failed attempt.
   */
  killSandboxes(): void;
}

/** BullMQ keeps a Worker's sandbox children in a private pool and offers no public way to kill them. */
interface SandboxPool {
  readonly retained: Record<string, { kill(signal: NodeJS.Signals): Promise<void> }>;
}

/**
 * Starts one BullMQ Worker per job kind, built from the kinds' declarations: the processor is
 * the default export of `processors/<kind>` (a file a sandbox loads, or a factory run here), the
 * concurrency comes from the declaration or the setting it names.
 * @param kinds the job kinds to consume (default: every kind of the catalog).
 * @param factories in-process processors by kind name, in place of the module (tests).
 */
export function startWorkers(
  config: Readonly<Env>,
  connection: Redis,
  log: Logger,
  { kinds = JOB_KINDS, factories = {} }: { kinds?: readonly JobKind[]; factories?: Record<string, ProcessorFactory> } = {},
): Workers {
  const queues = new JobQueues(connection, config.REDIS_URL, config.QUEUE_PREFIX, kinds);
  const workers = kinds.map((kind) => {
    const worker = new Worker(kind.name, processorOf(kind, factories, queues), {
      connection,
      prefix: config.QUEUE_PREFIX,
      concurrency: typeof kind.worker.concurrency === "number" ? kind.worker.concurrency : config[kind.worker.concurrency],
      lockDuration: config.JOB_LOCK_MS,
      stalledInterval: config.STALLED_INTERVAL_MS,
      maxStalledCount: 1,
      name: config.WORKER_ID,
    });
    worker.on("failed", (job, err) => log.warn({ jobId: job?.id, queue: kind.name, err: err.message }, "job failed"));
    worker.on("error", (err) => log.error({ queue: kind.name, err: err.message }, "worker error"));
    return worker;
  });
  return {
    workers,
    queues,
    async drain() {
      await Promise.all(workers.map((w) => w.pause(false)));
    },
    async close(force = false) {
      await Promise.all(workers.map((w) => w.close(force)));
      await queues.close();
    },
    killSandboxes() {
      for (const worker of workers) {
        const pool = (worker as unknown as { childPool?: SandboxPool }).childPool;
        for (const child of Object.values(pool?.retained ?? {})) void child.kill("SIGKILL").catch(() => undefined);
      }
    },
  };
}

/**
 * A sandboxed kind's processor file, or an in-process kind's processor, whose errors become the
 * failure envelope as in a sandbox (see `processors/sandboxed.ts`).
 */
function processorOf(kind: JobKind, factories: Record<string, ProcessorFactory>, queues: JobQueues): string | Processor {
  const file = path.join(__dirname, "processors", `${kind.name}.js`);
  if (kind.worker.sandboxed && !factories[kind.name]) return file;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const factory = factories[kind.name] ?? (require(file) as { default: ProcessorFactory }).default;
  const processor = factory({ queues });
  return async (job, token) => {
    try {
      return await processor(job, token);
    } catch (e) {
      throw failedJobError(e);
    }
  };
}
