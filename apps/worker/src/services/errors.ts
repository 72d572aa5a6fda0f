import { MlError } from "@mlw/ml-core";

/**
 * Turns an error thrown while running a job into what the job records. A user mistake (an
 * MlError with a 4xx status) becomes an UnrecoverableError, so BullMQ does not retry it; its
 * reason reads `CODE (status): message`, which the API parses back. Anything else is rethrown
 * as is, and retried.
 */
export function jobError(e: unknown): Error {
  if (e instanceof MlError) {
    const err = new Error(`${e.code} (${e.status}): ${e.message}`);
    if (e.status < 500) err.name = "UnrecoverableError";
    return err;
  }
  return e instanceof Error ? e : new Error(String(e));
}
