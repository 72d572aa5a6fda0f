import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import { MlError } from "@mlw/ml-core";
import { JobStoppedError } from "./job-stopped";

/**
 * Why a job failed, as clients see it: a machine-readable `code`, the HTTP status that fits the
 * cause (4xx: the request was wrong; 5xx: the service failed), a message for a person, and
 * optional details. A failed job stores it as JSON in its failed reason.
 */
export const jobFailure = z.object({
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  status: z.number().int().min(400).max(599),
  message: z.string(),
  details: z.unknown().optional(),
});
export type JobFailure = z.infer<typeof jobFailure>;

/**
 * The error a processor throws for `e`: its message is the failure envelope as JSON. A user's
 * mistake (an MlError with a 4xx status, or a payload that does not validate) is an
 * UnrecoverableError, so BullMQ does not retry what would fail again; anything else is retried.
 */
export function failedJobError(e: unknown): Error {
  const failure = failureOf(e);
  const error = failure.status < 500 || e instanceof UnrecoverableError ? new UnrecoverableError() : new Error();
  error.message = JSON.stringify(failure);
  return error;
}

/** The envelope of an error thrown while running a job. */
export function failureOf(e: unknown): JobFailure {
  if (e instanceof JobStoppedError) return { code: e.code, status: e.status, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) };
  if (e instanceof MlError) return { code: e.code, status: e.status, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) };
  if (e instanceof z.ZodError) {
    const issue = e.issues[0];
    return { code: "INVALID_PAYLOAD", status: 400, message: `The job's payload is invalid: ${issue ? `${issue.path.join(".") || "payload"}: ${issue.message}` : e.message}.` };
  }
  if (e instanceof Error) {
    const recorded = decodeFailure(e.message);
    if (recorded) return recorded;
    return { code: "JOB_FAILED", status: 500, message: e.message || "The job failed without a message." };
  }
  return { code: "JOB_FAILED", status: 500, message: String(e) };
}

/**
 * A failed job's reason read back. Reasons this service wrote are envelopes; BullMQ's own
 * (a job that stalled too often, a lost lock) are plain text and become JOB_STALLED or JOB_FAILED.
 */
export function readFailure(reason: string | undefined): JobFailure {
  const recorded = decodeFailure(reason ?? "");
  if (recorded) return recorded;
  if (reason?.includes("stalled")) return { code: "JOB_STALLED", status: 500, message: reason };
  return { code: "JOB_FAILED", status: 500, message: reason || "The job failed without a recorded reason." };
}

function decodeFailure(text: string): JobFailure | undefined {
  if (!text.startsWith("{")) return undefined;
  try {
    const parsed = jobFailure.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
