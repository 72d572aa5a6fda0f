import type { ErrorRequestHandler } from "express";
import { z } from "zod";
import { MlError } from "@mlw/ml-core";

/** An error answered as `{error: {code, message, details?}}` with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * A 400 naming the first invalid field of a zod failure, with every issue in details: "is required"
 * when the field is absent from `input` (or, without it, when zod says it received nothing).
 */
export function validationError(error: z.ZodError, where = "body", input?: unknown): HttpError {
  const issue = error.issues[0]!;
  const field = issue.path.join(".") || where;
  const absent = input !== undefined ? valueAt(input, issue.path) === undefined : / received undefined$/.test(issue.message);
  const message = issue.code === "invalid_type" && absent ? `\`${field}\` is required.` : `\`${field}\`: ${issue.message}.`;
  return new HttpError(400, "VALIDATION_ERROR", message, { issues: error.issues.map((i) => ({ path: i.path.join("."), message: i.message, code: i.code })) });
}

/** Parses `input` with `schema` or throws the 400 of `validationError`. */
export function parseOr400<S extends z.ZodType>(schema: S, input: unknown, where?: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error, where, input);
  return result.data;
}

/** The value at `path` in `input` (undefined where a step is missing). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/**
 * The one error middleware: known errors answer their status and code; anything else is a 500
 * whose details stay in the log. No stack trace ever reaches a client.
 */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  let http: HttpError;
  if (err instanceof HttpError) http = err;
  else if (err instanceof MlError) http = new HttpError(err.status, err.code, err.message, err.details);
  else if (err instanceof z.ZodError) http = validationError(err);
  else if (err?.type === "entity.parse.failed") http = new HttpError(400, "INVALID_JSON", "The request body is not valid JSON.");
  else if (err instanceof URIError) http = new HttpError(400, "INVALID_PATH", "The request path has a malformed percent-encoding.");
  else if (err?.type === "entity.too.large") http = new HttpError(413, "PAYLOAD_TOO_LARGE", "The request body is too large.");
  else {
    req.log?.error({ err }, "request failed");
    http = new HttpError(500, "INTERNAL_ERROR", "An internal error occurred; it has been logged.");
  }
  if (http.status >= 500 && err instanceof HttpError) req.log?.error({ err }, "request failed");
  res.status(http.status).json({ error: { code: http.code, message: http.message, ...(http.details !== undefined ? { details: http.details } : {}) } });
};
