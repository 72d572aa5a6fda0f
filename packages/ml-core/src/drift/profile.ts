import { Rng } from "../core/rng";
import type { Table } from "../data/table";
import { binCounts, distinct, PSI_QUANTILES, quantiles } from "./psi";

/** Most raw values a numeric column's profile keeps (a seeded sample beyond it). */
export const PROFILE_SAMPLE_SIZE = 5000;
/** Bins of a numeric column's histogram. */
export const HISTOGRAM_BINS = 20;
/** The quantiles a numeric column's profile records: 0, 0.05, ..., 1. */
export const PROFILE_QUANTILES = Array.from({ length: 21 }, (_, i) => i / 20);

/** The reference of a numeric column over the training rows (missing values left out). */
export interface NumericProfile {
  readonly kind: "numeric";
  readonly column: string;
  /** Non-missing values. */
  readonly count: number;
  readonly missing: number;
  readonly mean: number;
  /** Population standard deviation (numpy's `std`, ddof 0). */
  readonly std: number;
  /** At `PROFILE_QUANTILES`. */
  readonly quantiles: number[];
  /** `HISTOGRAM_BINS` equal-width bins from the minimum to the maximum (numpy's `histogram`). */
  readonly histogram: { readonly edges: number[]; readonly counts: number[] };
  /** PSI's inner bin edges (the distinct deciles) and the reference's count per bin. */
  readonly psi_edges: number[];
  readonly psi_counts: number[];
  /** The raw values: all of them up to `PROFILE_SAMPLE_SIZE`, else a sample drawn with the training `random_state`. */
  readonly sample: number[];
}

/** The reference of a categorical column: its count per category (missing values left out). */
export interface CategoricalProfile {
  readonly kind: "categorical";
  readonly column: string;
  readonly count: number;
  readonly missing: number;
  readonly frequencies: Record<string, number>;
}

export type ColumnProfile = NumericProfile | CategoricalProfile;

/**
 * What a model's inputs looked like when it was trained: one profile per input column over the
 * training split (the drift report's reference), and one of the model's predictions on the test split.
 */
export interface ReferenceProfile {
  readonly version: 1;
  /** Training rows: the reference size that chooses the drift tests. */
  readonly rows: number;
  readonly columns: ColumnProfile[];
  readonly predictions?: ColumnProfile;
}

/**
 * Profiles `columns` of `table` over `rows` (the training split).
 * @param randomState seeds the sample of numeric columns with more than `sampleSize` values.
 * @param sampleSize default `PROFILE_SAMPLE_SIZE`.
 */
export function profileTable(table: Table, rows: ArrayLike<number>, columns: readonly string[], randomState: number, sampleSize = PROFILE_SAMPLE_SIZE): ColumnProfile[] {
  const rng = new Rng(randomState);
  return columns.map((name) => {
    const col = table.column(name);
    if (!col) throw new RangeError(`profileTable: no column ${name}.`);
    if (col.kind === "numeric") {
      const { present, sum } = presentValues(col.values, rows);
      return profilePresent(name, present, sum, rows.length - present.length, rng, sampleSize);
    }
    return profileCategories(name, Array.from({ length: rows.length }, (_, k) => col.categories[col.codes[rows[k]!]!] ?? null));
  });
}

/** The profile of numeric values (`NaN` is missing); `rng` draws the sample when there are more than `sampleSize`. */
export function profileNumbers(column: string, values: Float64Array, rng: Rng, sampleSize = PROFILE_SAMPLE_SIZE): NumericProfile {
  const { present, sum } = presentValues(values, undefined);
  return profilePresent(column, present, sum, values.length - present.length, rng, sampleSize);
}

/** `profileNumbers` of the values `present` (no NaN, their sum `sum`), `missing` NaNs left out. */
function profilePresent(column: string, present: Float64Array, sum: number, missing: number, rng: Rng, sampleSize: number): NumericProfile {
  const n = present.length;
  const mean = n ? sum / n : 0;
  const qs = n ? quantiles(present.slice(), [...PROFILE_QUANTILES, ...PSI_QUANTILES]) : [];
  const profileQuantiles = qs.slice(0, PROFILE_QUANTILES.length);
  const edges = distinct(qs.slice(PROFILE_QUANTILES.length));
  return {
    kind: "numeric",
    column,
    count: n,
    missing,
    mean,
    std: n ? Math.sqrt(squaredDeviations(present, mean) / n) : 0,
    quantiles: profileQuantiles,
    // quantiles 0 and 1: the minimum and the maximum
    histogram: histogram(present, profileQuantiles[0]!, profileQuantiles[PROFILE_QUANTILES.length - 1]!),
    psi_edges: edges,
    psi_counts: binCounts(present, edges),
    sample: Array.from(n > sampleSize ? rng.sample(present, sampleSize) : present),
  };
}

/** The values of `values` (at `rows`, when given) that are not NaN, in order, and their sum (in that order). */
function presentValues(values: ArrayLike<number>, rows: ArrayLike<number> | undefined): { present: Float64Array; sum: number } {
  const total = rows ? rows.length : values.length;
  const out = new Float64Array(total);
  let k = 0;
  let sum = 0;
  for (let i = 0; i < total; i++) {
    const v = values[rows ? rows[i]! : i]!;
    if (v !== v) continue;
    out[k++] = v;
    sum += v;
  }
  return { present: k === total ? out : out.slice(0, k), sum };
}

/** The sum of the squared differences of `values` from `mean`, in order. */
function squaredDeviations(values: Float64Array, mean: number): number {
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return squares;
}

/** The profile of category values (`null` is missing). */
export function profileCategories(column: string, values: readonly (string | null)[]): CategoricalProfile {
  const frequencies: Record<string, number> = {};
  let count = 0;
  for (const v of values) {
    if (v === null) continue;
    frequencies[v] = (frequencies[v] ?? 0) + 1;
    count++;
  }
  return { kind: "categorical", column, count, missing: values.length - count, frequencies };
}

/** numpy's `histogram` of `values` (no NaN) between their minimum `lo` and maximum `hi`. */
function histogram(values: Float64Array, lo: number, hi: number): { edges: number[]; counts: number[] } {
  if (!values.length) return { edges: [], counts: [] };
  const [a, b] = lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
  const edges = Array.from({ length: HISTOGRAM_BINS + 1 }, (_, i) => a + ((b - a) * i) / HISTOGRAM_BINS);
  const counts = new Int32Array(HISTOGRAM_BINS);
  const width = b - a;
  for (let i = 0; i < values.length; i++) counts[Math.min(Math.floor(((values[i]! - a) / width) * HISTOGRAM_BINS), HISTOGRAM_BINS - 1)]!++;
  return { edges, counts: Array.from(counts) };
}
