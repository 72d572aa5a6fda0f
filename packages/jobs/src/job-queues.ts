import { randomUUID } from "node:crypto";
import { Job, Queue, QueueEvents, type JobState } from "bullmq";
import { createRedis, type RedisClient, type RedisTarget } from "@mlw/runtime";
import { JOB_KINDS, trialJob } from "./catalog";
import { kindOfJobId, type JobKind, type PayloadInput, type ResultOf } from "./define-job";
import { failedJobError, readFailure, type JobFailure } from "./failure";
import { jobCancelKey, jobCancelsChannel, type JobCancelMessage } from "./job-cancels";
import { JobCancelledError } from "./job-stopped";
import { registryChangesChannel } from "./registry-changes";
import { studyOfTrialJob, TrialWatch } from "./trial-watch";

/** How a job stands after a wait: done (with its result or its failure), or still pending. */
export type JobOutcome<R = unknown> = { readonly state: "completed"; readonly result: R } | { readonly state: "failed"; readonly error: JobFailure } | { readonly state: "pending" };

/**
 * What `JobQueues.cancel` did: the job was waiting and failed now (`failed`), or it runs and its
 * worker was asked to stop it (`stopping`), or it had already completed or failed (`finished`).
 */
export type CancelOutcome = "failed" | "stopping" | "finished";

/** How long a cancel is remembered for a worker that takes the job later (a stalled job taken back). */
const CANCEL_TTL_S = 24 * 3600;

/**
 * Takes a job that no worker holds (waiting, prioritized, delayed or paused) out of its list and
 * into `active` under a lock of ours, atomically, so that it can be failed like any job a worker
 * holds (`moveToFailed`) and no worker can take it meanwhile. Answers 1 if it did, 0 if the job
 * was not waiting. BullMQ fails only active jobs; the keys are the queue's own (`Queue.keys`).
 * KEYS: wait, paused, prioritized, delayed, active, the job's lock; ARGV: job id, token, lock ms.
 */
const TAKE_WAITING_JOB = `
local id = ARGV[1]
local taken = redis.call("LREM", KEYS[1], 0, id) + redis.call("LREM", KEYS[2], 0, id) + redis.call("ZREM", KEYS[3], id) + redis.call("ZREM", KEYS[4], id)
if taken == 0 then return 0 end
redis.call("LPUSH", KEYS[5], id)
redis.call("SET", KEYS[6], ARGV[2], "PX", ARGV[3])
return 1`;

/**
 * The producer side of every job kind: one BullMQ Queue per kind, built from the declarations,
 * and one QueueEvents per kind (created on first wait). The API enqueues, finds and waits on
 * jobs through it; a study's coordinator enqueues its trials through it.
 */
export class JobQueues {
  private readonly queues = new Map<string, Queue>();
  private readonly events = new Map<string, Promise<QueueEvents>>();
  /** The connection each QueueEvents duplicates for its blocking reads (made on first wait). */
  private blocking: RedisClient | undefined;
  /** The open `watchTrials` watches, by study. */
  private readonly trialWatches = new Map<string, Set<TrialWatch>>();
  /** Set once the trial queue's events reach `trialWatches` (unset again if its QueueEvents could not open). */
  private trialListener: Promise<void> | undefined;

  /**
   * @param connection the Redis connection the queues share (one server or a cluster).
   * @param target where Redis is, for the QueueEvents' blocking connections.
   * @param prefix BullMQ key prefix.
   * @param kinds the job kinds (default: every kind of the catalog).
   */
  constructor(
    private readonly connection: RedisClient,
    private readonly target: RedisTarget,
    readonly prefix: string,
    readonly kinds: readonly JobKind[] = JOB_KINDS,
  ) {
    for (const kind of kinds) {
      const queue = new Queue(kind.name, { connection, prefix });
      // A lost connection is reported by /health and retried by ioredis; it must not crash the process.
      queue.on("error", () => undefined);
      this.queues.set(kind.name, queue);
    }
  }

  /** Tells every API process that registered model `name` changed (see `registryChangesChannel`). */
  async notifyRegistryChange(name: string): Promise<void> {
    await this.connection.publish(registryChangesChannel(this.prefix), name);
  }

  /**
   * Cancels job `jobId` of `kind`. A job no worker holds yet (waiting, or delayed before a retry)
   * fails at once with CANCELLED (`JobCancelledError`), never retried. A running one is asked to
   * stop: the cancel is published on `jobCancelsChannel`, the worker running it aborts it (a
   * sandboxed job's sandbox is killed) and it fails with CANCELLED within moments; the cancel is
   * also recorded (`jobCancelKey`), so a worker that takes the job later fails it before it runs.
   * A job that had completed or failed is left as it is.
   * @param reason why, as the failure's message says it ("the study was cancelled").
   * @param details the failure's details.
   */
  async cancel(kind: JobKind, jobId: string, reason: string, details?: unknown): Promise<CancelOutcome> {
    const queue = this.queue(kind);
    const job = await Job.fromId(queue, jobId);
    const state = job ? await job.getState() : "unknown";
    if (!job || state === "completed" || state === "failed" || state === "unknown") return "finished";
    await this.connection.set(jobCancelKey(this.prefix, jobId), reason, "EX", CANCEL_TTL_S);
    const token = `cancel-${randomUUID()}`;
    const { wait, paused, prioritized, delayed, active } = queue.keys;
    const taken = await this.connection.eval(TAKE_WAITING_JOB, 6, wait!, paused!, prioritized!, delayed!, active!, `${queue.toKey(jobId)}:lock`, jobId, token, 30_000);
    if (taken === 1) {
      await job.moveToFailed(failedJobError(new JobCancelledError(kind.name, reason, details)), token);
      return "failed";
    }
    const message: JobCancelMessage = { job_id: jobId, reason };
    await this.connection.publish(jobCancelsChannel(this.prefix), JSON.stringify(message));
    return "stopping";
  }

  /** The reason job `jobId` was cancelled with, or null when it was not (a worker asks before it runs a job). */
  async cancelRequested(jobId: string): Promise<string | null> {
    return this.connection.get(jobCancelKey(this.prefix, jobId));
  }

  /** The BullMQ queue of `kind`. */
  queue(kind: JobKind): Queue {
    const queue = this.queues.get(kind.name);
    if (!queue) throw new Error(`Job kind "${kind.name}" is not one of these queues (${[...this.queues.keys()].join(", ")}).`);
    return queue;
  }

  /** Every queue, in declaration order (Bull Board shows them). */
  all(): Queue[] {
    return [...this.queues.values()];
  }

  /**
   * Enqueues a job of `kind`: the payload is validated by the kind's schema (a ZodError when it
   * does not fit) and the kind's default options apply. With an `id` that already exists,
   * BullMQ keeps the existing job and answers it.
   */
  async add<K extends JobKind>(kind: K, payload: PayloadInput<K>, id: string = kind.jobId()): Promise<Job> {
    if (!kind.owns(id)) throw new Error(`"${id}" is not an id of a ${kind.name} job.`);
    return this.queue(kind).add(kind.name, kind.payload.parse(payload), { ...kind.options, jobId: id });
  }

  /**
   * Creates or updates the job scheduler of a scheduled kind (`every` set): one job every
   * `everyMs`, with the kind's default payload and options. Idempotent: every worker calls it.
   */
  async schedule(kind: JobKind, everyMs: number): Promise<void> {
    await this.queue(kind).upsertJobScheduler(kind.name, { every: everyMs }, { name: kind.name, data: kind.payload.parse({}), opts: kind.options });
  }

  /** The job with this id, looked up in the queue its id names; undefined when unknown. */
  async find(id: string): Promise<{ kind: JobKind; job: Job } | undefined> {
    const kind = kindOfJobId(this.kinds, id);
    const job = kind ? await Job.fromId(this.queue(kind), id) : undefined;
    return kind && job ? { kind, job } : undefined;
  }

  /**
   * A job's state, and the job as stored in that state. The state is read first: a job read
   * before it finished and asked for its state after would show `completed` without its result.
   */
  async settled(kind: JobKind, job: Job): Promise<{ state: JobState | "unknown"; job: Job }> {
    const state = await job.getState();
    if (state !== "completed" && state !== "failed") return { state, job };
    return { state, job: (await Job.fromId(this.queue(kind), job.id!)) ?? job };
  }

  /** How a job stands now. */
  async outcome<K extends JobKind>(kind: K, job: Job): Promise<JobOutcome<ResultOf<K>>> {
    const { state, job: stored } = await this.settled(kind, job);
    if (state === "completed") return { state, result: stored.returnvalue as ResultOf<K> };
    if (state === "failed") return { state, error: readFailure(stored.failedReason) };
    return { state: "pending" };
  }

  /**
   * Waits up to `seconds` for a job to finish: completed, or failed with no attempt left (an
   * attempt that will be retried does not end the wait). Answers the outcome; `pending` when the
   * wait ran out first (the job goes on).
   */
  async wait<K extends JobKind>(kind: K, job: Job, seconds: number): Promise<JobOutcome<ResultOf<K>>> {
    const events = await this.queueEvents(kind);
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining > 0) await job.waitUntilFinished(events, remaining).catch(() => undefined);
      const outcome = await this.outcome(kind, job);
      if (outcome.state !== "pending" || Date.now() >= deadline) return outcome;
      // A failed attempt that will be retried: keep waiting for the retry.
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Watches the trial jobs of study `studyId` (a coordinator sleeps on it until one ends). Resolves
   * once the trial queue's events are heard, so that no trial ending after this call is missed; when
   * they cannot be (Redis is away), the watch only times out, and listening is tried again at each
   * of its `next`. Close it when done.
   */
  async watchTrials(studyId: string): Promise<TrialWatch> {
    let watches = this.trialWatches.get(studyId);
    if (!watches) this.trialWatches.set(studyId, (watches = new Set()));
    const watch: TrialWatch = new TrialWatch(
      () => void this.listenToTrials(),
      () => {
        watches.delete(watch);
        if (watches.size === 0 && this.trialWatches.get(studyId) === watches) this.trialWatches.delete(studyId);
      },
    );
    watches.add(watch);
    await this.listenToTrials();
    return watch;
  }

  /** Routes the trial queue's `completed`, `failed` and `removed` events to the watches of their study (one listener each). */
  private listenToTrials(): Promise<void> {
    this.trialListener ??= this.queueEvents(trialJob).then(
      (events) => {
        const notify = ({ jobId }: { jobId: string }): void => {
          const study = studyOfTrialJob(jobId);
          const watches = study === undefined ? undefined : this.trialWatches.get(study);
          for (const watch of watches ?? []) watch.notify();
        };
        for (const event of ["completed", "failed", "removed"] as const) events.on(event, notify);
      },
      () => {
        this.trialListener = undefined;
      },
    );
    return this.trialListener;
  }

  /**
   * The QueueEvents of a kind, created on first use (each holds a blocking Redis connection). It
   * reads the event stream from its last entry at creation, not from BullMQ's default `$` (the
   * end at its first blocking read, some round trips later): an event in between, such as a quick
   * job's `completed` that `waitUntilFinished` has just checked for, would be lost and the wait
   * would run to its timeout. A cluster's extra round trips made that loss common.
   */
  queueEvents(kind: JobKind): Promise<QueueEvents> {
    let events = this.events.get(kind.name);
    if (!events) {
      events = this.openEvents(kind);
      events.catch(() => this.events.delete(kind.name));
      this.events.set(kind.name, events);
    }
    return events;
  }

  private async openEvents(kind: JobKind): Promise<QueueEvents> {
    const [last] = await this.connection.xrevrange(this.queue(kind).keys.events!, "+", "-", "COUNT", 1);
    this.blocking ??= createRedis(this.target, "worker");
    // BullMQ duplicates the connection it is given for a QueueEvents, and closes the duplicate.
    const qe = new QueueEvents(kind.name, { connection: this.blocking, prefix: this.prefix, lastEventId: last?.[0] ?? "0" });
    qe.on("error", () => undefined);
    await qe.waitUntilReady();
    return qe;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.events.values()].map((e) => e.then((qe) => qe.close())));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    await this.blocking?.quit().catch(() => this.blocking?.disconnect());
  }
}
