import { Job, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { JOB_NAMES, JOBS, newJobId, queueOfJobId, type JobName } from "@mlw/jobs";

/** The producer side of every queue: one Queue and one QueueEvents (for `wait`) per job kind. */
export class Queues {
  readonly queues: Record<JobName, Queue>;
  private readonly events = new Map<JobName, QueueEvents>();

  constructor(
    private readonly connection: Redis,
    private readonly redisUrl: string,
    readonly prefix: string,
  ) {
    this.queues = Object.fromEntries(JOB_NAMES.map((name) => [name, new Queue(name, { connection, prefix })])) as Record<JobName, Queue>;
  }

  /** Enqueues a job of kind `name` with the catalog's default options; answers the job. */
  async add<N extends JobName>(name: N, payload: unknown, jobId = newJobId(name)): Promise<Job> {
    const data = JOBS[name].schema.parse(payload);
    return this.queues[name].add(name, data, { ...JOBS[name].options, jobId });
  }

  /** The job with this id, looked up in the queue its id names; undefined when unknown. */
  async job(id: string): Promise<Job | undefined> {
    const name = queueOfJobId(id);
    if (!name) return undefined;
    return (await Job.fromId(this.queues[name], id)) ?? undefined;
  }

  /** The QueueEvents of a queue, created on first use (each holds a blocking Redis connection). */
  async queueEvents(name: JobName): Promise<QueueEvents> {
    let qe = this.events.get(name);
    if (!qe) {
      qe = new QueueEvents(name, { connection: { url: this.redisUrl, maxRetriesPerRequest: null }, prefix: this.prefix });
      qe.on("error", () => undefined);
      this.events.set(name, qe);
      await qe.waitUntilReady();
    }
    return qe;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.events.values()].map((e) => e.close()));
    await Promise.allSettled(Object.values(this.queues).map((q) => q.close()));
  }
}
