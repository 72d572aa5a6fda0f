import { DataError } from "../core/errors";

/**
 * Per-class weights after scikit-learn's `compute_class_weight`: all ones for null,
 * n / (k * count_c) for "balanced" (classes absent from `y` get weight 1).
 */
export function classWeights(y: Float64Array, nClasses: number, mode: "balanced" | null): Float64Array {
  const w = new Float64Array(nClasses).fill(1);
  if (mode !== "balanced") return w;
  const counts = classCounts(y, nClasses);
  const present = counts.filter((c) => c > 0).length;
  for (let c = 0; c < nClasses; c++) if (counts[c]! > 0) w[c] = y.length / (present * counts[c]!);
  return w;
}

/** How many samples each class has; refuses labels that are not class indices 0..nClasses-1. */
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

/** The number of classes: `nClasses` when given, else max(y) + 1. */
export function countClasses(y: Float64Array, nClasses: number | undefined): number {
  if (nClasses !== undefined) return nClasses;
  let max = 0;
  for (let i = 0; i < y.length; i++) max = Math.max(max, y[i]!);
  return max + 1;
}
