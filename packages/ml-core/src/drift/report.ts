import { Rng } from "../core/rng";
import { DataError } from "../core/errors";
import { readCategory, readNumber } from "../preprocess/steps";
import { chi2Contingency } from "./chi2-contingency";
import { jensenShannonDistance } from "./jensen-shannon";
import { KS_EXACT_MAX_N, ks2samp } from "./ks-2samp";
import type { CategoricalProfile, ColumnProfile, NumericProfile, ReferenceProfile } from "./profile";
import { binCounts, psi, psiBand, PSI_EPSILON, type PsiBand } from "./psi";
import { wassersteinDistance } from "./wasserstein";

/** Fewest current rows a drift report is computed on. */
export const MIN_DRIFT_ROWS = 100;
/** The largest reference (training rows) tested with KS and chi-square; larger ones get the distances. */
export const SMALL_REFERENCE_ROWS = 1000;
/** The default share of drifted columns at which the dataset drifts. */
export const DEFAULT_DRIFT_SHARE = 0.5;

/**
 * The drift tests, Evidently's defaults by reference size: `ks` and `chi_square` (p-value below
 * 0.05) up to 1,000 reference rows; `wasserstein_norm` (Wasserstein distance over the
 * reference's std, at least 0.1) and `jensen_shannon` (distance of the category shares, at least 0.1) above.
 */
export type DriftTest = "ks" | "chi_square" | "wasserstein_norm" | "jensen_shannon";

/** One column's result. For `ks` and `chi_square` the threshold applies to `p_value`; for the distances to `statistic`. */
export interface ColumnDrift {
  readonly column: string;
  readonly test: DriftTest;
  /** KS D, chi-square, Wasserstein / std or Jensen–Shannon distance; null when the window has no value for the column. */
  readonly statistic: number | null;
  readonly p_value: number | null;
  readonly threshold: number;
  readonly drifted: boolean;
  readonly psi: number | null;
  readonly psi_band: PsiBand | null;
  /** The window's non-missing values of the column. */
  readonly values: number;
}

/** A window's drift against a model's reference. */
export interface DriftReport {
  readonly columns: ColumnDrift[];
  readonly dataset_drifted: boolean;
  /** The share of drifted columns at which the dataset drifts. */
  readonly share: number;
  readonly drifted_columns: number;
  /** The window's rows. */
  readonly rows: number;
  readonly reference_rows: number;
}

/**
 * Compares raw input records (read as predict reads them: numeric text is a number, `""` and
 * null are missing) with a reference profile, column by column.
 * @param share the share of drifted columns at which the dataset drifts (default 0.5).
 * @throws DataError `TOO_FEW_ROWS` (422) below `MIN_DRIFT_ROWS` records.
 */
export function driftReport(reference: ReferenceProfile, records: readonly Record<string, unknown>[], share = DEFAULT_DRIFT_SHARE): DriftReport {
  if (records.length < MIN_DRIFT_ROWS) {
    throw new DataError("TOO_FEW_ROWS", `A drift report needs at least ${MIN_DRIFT_ROWS} rows, but the window holds ${records.length}.`, { rows: records.length, min_rows: MIN_DRIFT_ROWS });
  }
  const small = reference.rows <= SMALL_REFERENCE_ROWS;
  const columns = reference.columns.map((profile) => columnDrift(profile, records, small));
  const drifted = columns.filter((c) => c.drifted).length;
  return { columns, dataset_drifted: columns.length > 0 && drifted >= share * columns.length, share, drifted_columns: drifted, rows: records.length, reference_rows: reference.rows };
}

function columnDrift(profile: ColumnProfile, records: readonly Record<string, unknown>[], small: boolean): ColumnDrift {
  return profile.kind === "numeric" ? numericDrift(profile, records, small) : categoricalDrift(profile, records, small);
}

function numericDrift(profile: NumericProfile, records: readonly Record<string, unknown>[], small: boolean): ColumnDrift {
  const current = Float64Array.from(records, (r) => readNumber(r[profile.column]) ?? NaN).filter((v) => v === v);
  const test: DriftTest = small ? "ks" : "wasserstein_norm";
  if (!current.length || !profile.sample.length) return noValues(profile.column, test, small ? 0.05 : 0.1);
  const drift = small ? ksDrift(profile.sample, current) : wassersteinDrift(profile, current);
  const value = psi(profile.psi_counts, binCounts(current, profile.psi_edges));
  return { column: profile.column, test, ...drift, psi: value, psi_band: psiBand(value), values: current.length };
}

function ksDrift(reference: readonly number[], current: Float64Array): Pick<ColumnDrift, "statistic" | "p_value" | "threshold" | "drifted"> {
  // scipy's exact p-value covers 10,000 values a side; a larger window is tested on a seeded sample of it.
  const sample = current.length > KS_EXACT_MAX_N ? new Rng(0).shuffle(Float64Array.from(current)).subarray(0, KS_EXACT_MAX_N) : current;
  const r = ks2samp(reference, sample);
  return { statistic: r.statistic, p_value: r.pvalue, threshold: 0.05, drifted: r.pvalue < 0.05 };
}

function wassersteinDrift(profile: NumericProfile, current: Float64Array): Pick<ColumnDrift, "statistic" | "p_value" | "threshold" | "drifted"> {
  // Evidently's wasserstein_distance_norm: the distance over max(std, 0.001).
  const statistic = wassersteinDistance(profile.sample, current) / Math.max(profile.std, 0.001);
  return { statistic, p_value: null, threshold: 0.1, drifted: statistic >= 0.1 };
}

function categoricalDrift(profile: CategoricalProfile, records: readonly Record<string, unknown>[], small: boolean): ColumnDrift {
  const counts = new Map<string, number>();
  for (const r of records) {
    const c = readCategory(r[profile.column]);
    if (typeof c === "string") counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const test: DriftTest = small ? "chi_square" : "jensen_shannon";
  if (!counts.size || !profile.count) return noValues(profile.column, test, small ? 0.05 : 0.1);
  const categories = [...new Set([...Object.keys(profile.frequencies), ...counts.keys()])].sort();
  const ref = categories.map((c) => profile.frequencies[c] ?? 0);
  const cur = categories.map((c) => counts.get(c) ?? 0);
  const value = psi(ref, cur);
  const base = { column: profile.column, test, psi: value, psi_band: psiBand(value), values: cur.reduce((s, v) => s + v, 0) };
  if (small) {
    const r = chi2Contingency(ref, cur);
    return { ...base, statistic: r.statistic, p_value: r.pvalue, threshold: 0.05, drifted: r.pvalue < 0.05 };
  }
  const statistic = jensenShannonDistance(shares(ref), shares(cur));
  return { ...base, statistic, p_value: null, threshold: 0.1, drifted: statistic >= 0.1 };
}

/** Counts as shares, an empty category at `PSI_EPSILON` (Evidently's binning fills zeros likewise). */
function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((s, v) => s + v, 0);
  return counts.map((v) => v / total || PSI_EPSILON);
}

function noValues(column: string, test: DriftTest, threshold: number): ColumnDrift {
  return { column, test, statistic: null, p_value: null, threshold, drifted: false, psi: null, psi_band: null, values: 0 };
}
