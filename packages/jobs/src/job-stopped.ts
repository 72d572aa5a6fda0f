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
 * A job cancelled while it ran: 499 "client closed request", as google.rpc.Code maps CANCELLED:
 * the request was not wrong and the service did not fail; someone stopped it.
 * @see https://github.com/googleapis/googleapis/blob/master/google/rpc/code.proto
 */
export class JobCancelledError extends JobStoppedError {
  constructor(kind: string, reason?: string) {
    super("CANCELLED", `The ${kind} job was cancelled${reason ? `: ${reason}` : "."}`, 499);
  }
}
