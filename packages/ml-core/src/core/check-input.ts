import type { Matrix } from "./matrix";
import { DataError } from "./errors";

/**
 * Refuses a training set whose `y` does not match `X` or that has no rows.
 * @throws DataError `SHAPE_MISMATCH`, `EMPTY_DATA`.
 */
export function checkXy(X: Pick<Matrix, "rows">, y: Float64Array): void {
  if (X.rows !== y.length) throw new DataError("SHAPE_MISMATCH", `X has ${X.rows} rows but y has ${y.length} values.`);
  if (X.rows === 0) throw new DataError("EMPTY_DATA", "Cannot fit on 0 rows.");
}

/**
 * Refuses a matrix whose column count differs from what the model was fitted on.
 * @throws DataError `SHAPE_MISMATCH`.
 */
export function checkCols(X: Matrix, nFeatures: number): void {
  if (X.cols !== nFeatures) throw new DataError("SHAPE_MISMATCH", `X has ${X.cols} features, but the model was fitted on ${nFeatures}.`);
}
