import { DataError } from "./errors";

/**
 * A class label as it appears in the data (a CSV cell read as text or as a number). Estimators
 * never see labels: they take class indices 0..k-1, and the labels in index order travel with the
 * model (`preprocess` makes them, `persist` stores them).
 */
export type Label = string | number;

/**
 * The number of classes of a classifier's `y` (class indices).
 * @param y class indices 0..k-1.
 * @param nClasses the count from `FitOptions.nClasses` when given (classes absent from `y` count); default max(y) + 1.
 */
export function countClasses(y: Float64Array, nClasses?: number): number {
  if (nClasses !== undefined) return nClasses;
  let m = 0;
  for (let i = 0; i < y.length; i++) if (y[i]! > m) m = y[i]!;
  return m + 1;
}

/**
 * How many samples each class has.
 * @throws DataError `BAD_CLASS_LABEL` for a value of `y` that is not a class index 0..nClasses-1.
 */
export function classCounts(y: Float64Array, nClasses: number): Float64Array {
  const counts = new Float64Array(nClasses);
  for (let i = 0; i < y.length; i++) {
    const c = y[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= nClasses) {
      throw new DataError("BAD_CLASS_LABEL", `Class labels must be integers in 0..${nClasses - 1}, but row ${i} has ${c}.`);
    }
    counts[c]!++;
  }
  return counts;
}
