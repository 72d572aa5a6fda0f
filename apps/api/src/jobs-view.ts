import type { Response } from "express";
import type { Job } from "bullmq";
import { readFailure, type JobFailure, type JobKind, type JobQueues, type ResultOf } from "@mlw/jobs";

/** The public view of a job (`GET /jobs/{id}`). */
export interface JobView {
  job_id: string;
  type: string;
  state: string;
  progress: unknown;
  result: unknown;
  /** Why a failed job failed; `status` is the HTTP status that fits the cause. */
  error: JobFailure | null;
  attempts: number;
  created_at: string;
  finished_at: string | null;
}

/** Reads a job's state and shape for clients. */
export async function viewJob(queues: JobQueues, kind: JobKind, found: Job): Promise<JobView> {
  const { state, job } = await queues.settled(kind, found);
  return {
    job_id: job.id!,
    type: kind.name,
    state: state === "waiting-children" || state === "prioritized" ? "waiting" : state,
    progress: job.progress,
    result: job.returnvalue ?? null,
    error: state === "failed" ? readFailure(job.failedReason) : null,
    attempts: job.attemptsMade,
    created_at: new Date(job.timestamp).toISOString(),
    finished_at: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
  };
}

/** How a route answers for a job it enqueued, in each outcome. */
export interface JobReply<R> {
  /** The 200 body once the job completed. */
  completed(result: R): unknown;
  /** The body sent with the failure's status (or throw an HttpError for the error envelope). */
  failed(error: JobFailure): unknown;
  /** The 202 body when the request did not wait; default: the job's view. */
  accepted?: unknown;
  /** Fields added to a 202 view. */
  extra?: Record<string, unknown>;
}

/**
 * The one answer of a route that enqueued (or found) a job: without `wait`, 202 at once; with
 * `wait` seconds, 200 with the result, the failure with its status, or 202 with the job's view
 * (and `status_url`) if it is still running when the wait runs out.
 */
export async function replyWithJob<K extends JobKind>(res: Response, queues: JobQueues, kind: K, job: Job, wait: number | undefined, reply: JobReply<ResultOf<K>>): Promise<void> {
  const outcome = wait === undefined ? { state: "pending" as const } : await queues.wait(kind, job, wait);
  if (outcome.state === "completed") {
    res.status(200).json(reply.completed(outcome.result));
  } else if (outcome.state === "failed") {
    const body = reply.failed(outcome.error);
    res.status(outcome.error.status).json(body);
  } else if (wait === undefined && reply.accepted !== undefined) {
    res.status(202).json(reply.accepted);
  } else {
    res.status(202).json({ ...reply.extra, ...(await viewJob(queues, kind, job)), status_url: `/jobs/${job.id}` });
  }
}
