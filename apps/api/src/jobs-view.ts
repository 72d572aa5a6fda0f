import type { Job } from "bullmq";
import { queueOfJobId } from "@mlw/jobs";
import type { Queues } from "./queues";

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
export async function viewJob(job: Job): Promise<JobView> {
  const state = await job.getState();
  return {
    job_id: job.id!,
    type: queueOfJobId(job.id!) ?? job.name,
    state: state === "waiting-children" || state === "prioritized" ? "waiting" : state,
    progress: job.progress,
    result: job.returnvalue ?? null,
    error: state === "failed" ? parseFailure(job.failedReason ?? "") : null,
    attempts: job.attemptsMade,
    created_at: new Date(job.timestamp).toISOString(),
    finished_at: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
  };
}

/** A failed job's recorded reason, `CODE (status): message`, split back into its parts. */
export interface JobFailure {
  code: string;
  message: string;
  status: number;
}

export function parseFailure(reason: string): JobFailure {
  const m = /^([A-Z][A-Z0-9_]*) \((\d{3})\): ([\s\S]*)$/.exec(reason);
  if (m) return { code: m[1]!, status: Number(m[2]), message: m[3]! };
  if (/stalled more than allowable limit/.test(reason)) return { code: "JOB_STALLED", status: 500, message: reason };
  return { code: "JOB_FAILED", status: 500, message: reason || "The job failed without a recorded reason." };
}

/**
 * Waits up to `seconds` for a job to finish (completed, or failed with no retry left). Answers
 * the finished job's view, or undefined when the wait ran out first (the job goes on).
 */
export async function waitForJob(queues: Queues, job: Job, seconds: number): Promise<JobView | undefined> {
  const name = queueOfJobId(job.id!)!;
  const events = await queues.queueEvents(name);
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining > 0) await job.waitUntilFinished(events, remaining).catch(() => undefined);
    const latest = await queues.job(job.id!);
    if (!latest) return undefined;
    const view = await viewJob(latest);
    if (view.state === "completed" || view.state === "failed") return view;
    if (Date.now() >= deadline) return undefined;
    // A failed attempt that will be retried: keep waiting for the retry.
    await new Promise((r) => setTimeout(r, 100));
  }
}
