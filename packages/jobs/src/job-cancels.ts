/**
 * The Redis pub/sub channel on which a cancel of a running job is published (`JobQueues.cancel`),
 * as JSON `{job_id, reason}`: every worker process hears it, and the one running the job stops it.
 * @param prefix QUEUE_PREFIX.
 */
export function jobCancelsChannel(prefix: string): string {
  return `${prefix}:job-cancels`;
}

/**
 * The key that records a cancel of job `jobId` (its value is the reason), for a worker that takes
 * the job after the message went out: it fails the job before running it. Under the prefix, so a
 * cluster keeps it in the queues' slot.
 * @param prefix QUEUE_PREFIX.
 */
export function jobCancelKey(prefix: string, jobId: string): string {
  return `${prefix}:cancel:${jobId}`;
}

/** A message of `jobCancelsChannel`. */
export interface JobCancelMessage {
  readonly job_id: string;
  readonly reason: string;
}
