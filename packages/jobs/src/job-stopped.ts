import { UnrecoverableError } from "bullmq";

/**
 * A job the worker stopped from outside its processor (it ran past its time limit, or it was
 * cancelled). It is never retried: another attempt would end the same way, or was not wanted.
 */
export class JobStoppedError extends UnrecoverableError {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** What the failure envelope's `details` hold (a cancelled study's best so far). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A job that ran past its time limit: 504, as google.rpc.Code maps DEADLINE_EXCEEDED. The request
 * may well be valid (it could finish under a higher limit), so not a 4xx; the service gave up on
 * it, so a 5xx, and one that is not retried.
 * @param kind the job's kind, as the message names it.
 * @param seconds the limit.
 * @param setting the worker setting that holds the limit, when one does.
 * @see https://github.com/googleapis/googleapis/blob/master/google/rpc/code.proto
 */
export class JobTimeoutError extends JobStoppedError {
  constructor(kind: string, seconds: number, setting?: string) {
    const where = setting ?? `the ${kind} job kind's declaration`;
    super("JOB_TIMEOUT", `The ${kind} job ran longer than its limit of ${seconds} s (${where}) and was stopped.`, 504);
  }
}

/**
 * A job cancelled (`POST /jobs/{id}/cancel`, `POST /studies/{id}/cancel`) before or while it ran:
 * 499 "client closed request", as google.rpc.Code maps CANCELLED: the request was not wrong and
 * the service did not fail; someone stopped it.
 * @param kind the job's kind, as the message names it.
 * @param reason why, appended to the message.
 * @param details the failure envelope's details (a cancelled study's id and best so far).
 * @see https://github.com/googleapis/googleapis/blob/master/google/rpc/code.proto
 */
export class JobCancelledError extends JobStoppedError {
  constructor(kind: string, reason?: string, details?: unknown) {
    super("CANCELLED", `The ${kind} job was cancelled${reason ? `: ${reason}` : "."}`, 499, details);
  }
}

/**
 * Why a cancelled study's coordinator (its optimize job) fails: CANCELLED, naming the study, with
 * its best so far in the details, which an orchestrator polling the job can use at once. Answers
 * the reason and details for `JobCancelledError` and `JobQueues.cancel`.
 */
export function studyCancelled(study: { id: string; bestValue: number | null; bestParams: Record<string, unknown> | null; bestTrialNumber: number | null }): { reason: string; details: unknown } {
  return {
    reason: `study ${study.id} was cancelled; its best so far is in GET /studies/${study.id}`,
    details: { study_id: study.id, best_score: study.bestValue, best_params: study.bestParams, best_trial_number: study.bestTrialNumber },
  };
}
