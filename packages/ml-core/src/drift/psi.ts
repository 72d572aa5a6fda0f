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
  const sorted = Float64Array.from(reference).sort();
  const edges: number[] = [];
  for (const q of PSI_QUANTILES) {
    const v = quantile(sorted, q);
    if (edges[edges.length - 1] !== v) edges.push(v);
  }
  return edges;
}

/** How many `values` fall in each of the bins `edges` make (`numpy.searchsorted(edges, x, 'left')` is a value's bin). */
export function binCounts(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    counts[lo]!++;
  }
  return counts;
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

/** numpy.quantile's default (linear) on sorted values. */
export function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const t = pos - lo;
  const a = sorted[lo]!;
  if (t === 0 || lo + 1 >= sorted.length) return a;
  const b = sorted[lo + 1]!;
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}
