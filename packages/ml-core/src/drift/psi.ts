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
 * is a value's bin): a value's bin is how many edges are below it. Counted without a branch a CPU
 * would have to guess: for PSI's at most 9 edges, 9 comparisons summed (missing edges +Infinity,
 * below no value); for more, a binary search over the edges padded with +Infinity to a power of two.
 */
export function binCounts(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Int32Array(edges.length + 1);
  if (edges.length <= 9) countUpToNine(values, Float64Array.from({ length: 9 }, (_, k) => edges[k] ?? Infinity), counts);
  else countBySearch(values, edges, counts);
  return Array.from(counts);
}

/** `binCounts` over at most 9 `edges`, padded with +Infinity to 9. */
function countUpToNine(values: ArrayLike<number>, edges: Float64Array, counts: Int32Array): void {
  const e0 = edges[0]!, e1 = edges[1]!, e2 = edges[2]!, e3 = edges[3]!, e4 = edges[4]!, e5 = edges[5]!, e6 = edges[6]!, e7 = edges[7]!, e8 = edges[8]!;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    counts[+(e0 < x) + +(e1 < x) + +(e2 < x) + +(e3 < x) + +(e4 < x) + +(e5 < x) + +(e6 < x) + +(e7 < x) + +(e8 < x)]!++;
  }
}

/** `binCounts` by a branch-free binary search over `edges` padded with +Infinity to a power of two. */
function countBySearch(values: ArrayLike<number>, edges: readonly number[], counts: Int32Array): void {
  let size = 1;
  while (size <= edges.length) size *= 2;
  const padded = new Float64Array(size).fill(Infinity);
  padded.set(edges);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    let lo = 0;
    for (let step = size >> 1; step > 0; step >>= 1) lo += +(padded[lo + step - 1]! < x) * step;
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
