/**
 * The base of every error ml-core throws on purpose: a literal machine-readable `code`,
 * the HTTP status that fits when the error reaches a client, and optional details.
 */
export class MlError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input data (a file or rows): answered with 422. */
export class DataError extends MlError {
  constructor(code: string, message: string, details?: unknown) {
    super(code, message, 422, details);
  }
}

/** A hyperparameter that is not valid for the estimator: answered with 400. */
export class InvalidHyperparameterError extends MlError {
  constructor(message: string, details?: unknown) {
    super("INVALID_HYPERPARAMETER", message, 400, details);
  }
}

/** `predict` (or similar) on an estimator that was never fitted. */
export class NotFittedError extends MlError {
  constructor(estimator: string) {
    super("NOT_FITTED", `${estimator} is not fitted yet: call fit before predict.`, 500);
  }
}
