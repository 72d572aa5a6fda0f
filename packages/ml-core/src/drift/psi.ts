import { orderStatistics } from "../core/order-statistics";

/** A PSI's band: below 0.1 no shift, 0.1 to 0.25 a moderate one, 0.25 and more a major one. */
export type PsiBand = "none" | "moderate" | "major";

/** The share given to a bin that holds no value, so that its log stays finite. */
export const PSI_EPSILON = 1e-4;

/** The deciles PSI bins numeric columns by. */
export const PSI_QUANTILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const;

/**
 * The inner edges of a numeric column's PSI bins: the distinct deciles of the reference values
 * (numpy's default linear quantile). With edges e_1 < … < e_k the bins are (-inf, e_1],
 * (e_1, e_2], …, (e_k, +inf), so values outside the reference's range land in the end bins.
 */
export function psiEdges(reference: ArrayLike<number>): number[] {
  return distinct(quantiles(Float64Array.from(reference), PSI_QUANTILES));
}

/** Ascending values without their repeats. */
export function distinct(ascending: readonly number[]): number[] {
  return ascending.filter((v, i) => i === 0 || v !== ascending[i - 1]);
}

/**
 * How many `values` fall in each of the bins `edges` (ascending) make (`numpy.searchsorted(edges, x, 'left')`
 * is a value's bin). A branch-free binary search: a value's bin is how many edges are below it, found
 * over the edges padded with +Infinity to a power of two, whose comparisons a CPU need not guess.
 */
export function binCounts(values: ArrayLike<number>, edges: readonly number[]): number[] {
  let size = 16;
  while (size <= edges.length) size *= 2;
  const padded = new Float64Array(size).fill(Infinity);
  padded.set(edges);
  const counts = new Int32Array(edges.length + 1);
  if (size === 16) countInSixteen(values, padded, counts);
  else {
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      let lo = 0;
      for (let step = size >> 1; step > 0; step >>= 1) lo += +(padded[lo + step - 1]! < x) * step;
      counts[lo]!++;
    }
  }
  return Array.from(counts);
}

/** `binCounts`' search unrolled for at most 15 edges (PSI's 9 deciles), padded to 16. */
function countInSixteen(values: ArrayLike<number>, padded: Float64Array, counts: Int32Array): void {
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    let lo = +(padded[7]! < x) << 3;
    lo += +(padded[lo + 3]! < x) << 2;
    lo += +(padded[lo + 1]! < x) << 1;
    lo += +(padded[lo]! < x);
    counts[lo]!++;
  }
}

/**
 * The population stability index of two count vectors over the same bins or categories:
 * sum over bins of (c - r) ln(c / r), r and c the bins' shares of the reference and the current
 * values, an empty bin's share taken as `PSI_EPSILON`.
 */
export function psi(reference: readonly number[], current: readonly number[]): number {
  const rs = reference.reduce((s, v) => s + v, 0);
  const cs = current.reduce((s, v) => s + v, 0);
  let total = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i]! / rs || PSI_EPSILON;
    const c = current[i]! / cs || PSI_EPSILON;
    total += (c - r) * Math.log(c / r);
  }
  return total;
}

/** The band of a PSI value. */
export function psiBand(value: number): PsiBand {
  return value < 0.1 ? "none" : value < 0.25 ? "moderate" : "major";
}

/**
 * numpy.quantile's default (linear) of `values` at each of `qs` (no NaN; at least one value),
 * from the order statistics it needs rather than a sort. Reorders `values`.
 */
export function quantiles(values: Float64Array, qs: readonly number[]): number[] {
  const n = values.length;
  const at = qs.map((q) => {
    const pos = q * (n - 1);
    const lo = Math.floor(pos);
    return { lo, t: pos - lo };
  });
  const ranks = at.flatMap(({ lo }) => (lo + 1 < n ? [lo, lo + 1] : [lo]));
  const stats = orderStatistics(values, ranks);
  const valueAt = new Map(ranks.map((r, i) => [r, stats[i]!]));
  return at.map(({ lo, t }) => {
    const a = valueAt.get(lo)!;
    if (t === 0 || lo + 1 >= n) return a;
    const b = valueAt.get(lo + 1)!;
    return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
  });
}
