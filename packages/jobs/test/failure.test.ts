import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import { DataError, MlError } from "@mlw/ml-core";
import { failedJobError, failureOf, JobCancelledError, JobTimeoutError, readFailure, studyCancelled } from "../src";

describe("the failure envelope", () => {
  it("makes a user mistake unrecoverable, with its code, status, message and details in the reason", () => {
    const err = failedJobError(new DataError("RAGGED_ROW", "Line 3 has 2 fields, but the header has 3 columns.", { line: 3 }));
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect(err.name).toBe("UnrecoverableError");
    expect(readFailure(err.message)).toEqual({ code: "RAGGED_ROW", status: 422, message: "Line 3 has 2 fields, but the header has 3 columns.", details: { line: 3 } });
  });

  it("lets a server-side failure be retried, and still records it as an envelope", () => {
    const server = failedJobError(new MlError("INVALID_MODEL_ARTIFACT", "bad", 500));
    expect(server.name).not.toBe("UnrecoverableError");
    expect(readFailure(server.message)).toEqual({ code: "INVALID_MODEL_ARTIFACT", status: 500, message: "bad" });
    const plain = failedJobError(new Error("connection reset"));
    expect(plain.name).not.toBe("UnrecoverableError");
    expect(readFailure(plain.message)).toEqual({ code: "JOB_FAILED", status: 500, message: "connection reset" });
  });

  it("refuses an invalid payload without retrying it", () => {
    const parsed = z.object({ n: z.number() }).safeParse({ n: "x" });
    const err = failedJobError(parsed.error);
    expect(err.name).toBe("UnrecoverableError");
    expect(readFailure(err.message)).toMatchObject({ code: "INVALID_PAYLOAD", status: 400, message: expect.stringMatching(/^The job's payload is invalid: n: /) });
  });

  it("keeps an envelope that passes through a second processor as it is", () => {
    const inner = failedJobError(new MlError("NO_COMPLETED_TRIALS", "No trial completed.", 422));
    expect(failureOf(new UnrecoverableError(inner.message))).toEqual({ code: "NO_COMPLETED_TRIALS", status: 422, message: "No trial completed." });
    expect(failedJobError(new UnrecoverableError(inner.message)).name).toBe("UnrecoverableError");
  });

  it("records a job stopped by its worker with its code and a 5xx or 499, and never retries it", () => {
    const timeout = failedJobError(new JobTimeoutError("train", 3600, "JOB_TIMEOUT_S"));
    expect(timeout.name).toBe("UnrecoverableError");
    expect(readFailure(timeout.message)).toEqual({ code: "JOB_TIMEOUT", status: 504, message: "The train job ran longer than its limit of 3600 s (JOB_TIMEOUT_S) and was stopped." });
    const cancelled = failedJobError(new JobCancelledError("train"));
    expect(cancelled.name).toBe("UnrecoverableError");
    expect(readFailure(cancelled.message)).toEqual({ code: "CANCELLED", status: 499, message: "The train job was cancelled." });
  });

  it("records a cancelled study's best so far in its optimize job's failure details", () => {
    const { reason, details } = studyCancelled({ id: "study-1", bestValue: 0.8, bestParams: { a: 1 }, bestTrialNumber: 3 });
    const failed = failedJobError(new JobCancelledError("optimize", reason, details));
    expect(failed.name).toBe("UnrecoverableError");
    expect(readFailure(failed.message)).toEqual({
      code: "CANCELLED",
      status: 499,
      message: "The optimize job was cancelled: study study-1 was cancelled; its best so far is in GET /studies/study-1",
      details: { study_id: "study-1", best_score: 0.8, best_params: { a: 1 }, best_trial_number: 3 },
    });
  });

  it("reads BullMQ's own reasons, which are plain text", () => {
    expect(readFailure("job stalled more than allowable limit")).toEqual({ code: "JOB_STALLED", status: 500, message: "job stalled more than allowable limit" });
    expect(readFailure(undefined)).toMatchObject({ code: "JOB_FAILED", status: 500 });
    expect(readFailure('{"code": "lower", "status": 200, "message": "not ours"}')).toMatchObject({ code: "JOB_FAILED", status: 500 });
  });
});
