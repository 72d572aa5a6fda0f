import { DataError } from "../core/errors";
import type { StateValue } from "../core/estimator";
import { orderStatistics } from "../core/order-statistics";
import { parseNumber } from "../data/column-builder";
import { truthValue } from "../data/boolean-like";
import { DEFAULT_MISSING_VALUES } from "../data/read-csv";
import type { Column } from "../data/table";

type StateObject = { readonly [key: string]: StateValue };
const MISSING = new Set(DEFAULT_MISSING_VALUES);

/** One fitted input column turned into one or more output features (`featureNames`). */
export interface Step {
  readonly column: string;
  readonly featureNames: string[];
  /**
   * Writes the step's feature `j` of the table rows `rows` of `col`, the value of `rows[k]` at
   * `out[k * stride + offset]` (every one written, zeros included).
   */
  writeFeature(col: Column, rows: ArrayLike<number>, j: number, out: Float64Array, stride: number, offset: number): void;
  /** Writes one raw JSON value (record `row`, for error messages): feature j at `out[base + j]` (`out` zero-filled beforehand). */
  writeValue(value: unknown, row: number, out: Float64Array, base: number): void;
  toState(): StateObject;
}

function isMissing(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "number" && Number.isNaN(value)) || (typeof value === "string" && MISSING.has(value));
}

/**
 * A raw JSON value read as predict reads a numeric column: a number (numeric text and booleans
 * too), `NaN` when missing (`null`, `""`, "NA", ...), `undefined` when it is not a number.
 */
export function readNumber(value: unknown): number | undefined {
  if (isMissing(value)) return NaN;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") {
    const n = parseNumber(value);
    if (n === n) return n;
  }
  return undefined;
}

/** A raw JSON value read as predict reads a categorical column: its text, `null` when missing, `undefined` when it is no category. */
export function readCategory(value: unknown): string | null | undefined {
  if (isMissing(value)) return null;
  if (typeof value === "string") return value;
  if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean") return String(value);
  return undefined;
}

function invalid(row: number, column: string, expected: string, value: unknown): DataError {
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  return new DataError("INVALID_VALUE", `Row ${row}, column \`${column}\`: expected ${expected}, but got ${shown}.`, { row, column, value: shown });
}

/** Median imputation, then optional standardisation: (v - mean) / scale. */
export class NumericStep implements Step {
  readonly featureNames: string[];
  constructor(
    readonly column: string,
    readonly fill: number,
    readonly mean: number,
    readonly scale: number,
  ) {
    this.featureNames = [column];
  }

  /** Learns the median (and mean/std of the imputed values when `standardise`) from `rows`. */
  static fit(col: Column & { kind: "numeric" }, rows: ArrayLike<number>, standardise: boolean): NumericStep {
    const seen = new Float64Array(rows.length);
    let nSeen = 0;
    for (let k = 0; k < rows.length; k++) {
      const v = col.values[rows[k]!]!;
      if (v === v) seen[nSeen++] = v;
    }
    const fill = median(seen.subarray(0, nSeen));
    if (!standardise) return new NumericStep(col.name, fill, 0, 1);
    const n = rows.length;
    let sum = 0;
    for (let k = 0; k < n; k++) sum += valueOr(col.values[rows[k]!]!, fill);
    const mean = n ? sum / n : 0;
    let ss = 0;
    for (let k = 0; k < n; k++) ss += (valueOr(col.values[rows[k]!]!, fill) - mean) ** 2;
    const std = n ? Math.sqrt(ss / n) : 0;
    return new NumericStep(col.name, fill, mean, std > 0 ? std : 1);
  }

  writeFeature(col: Column, rows: ArrayLike<number>, _j: number, out: Float64Array, stride: number, offset: number): void {
    const { fill, mean, scale } = this;
    if (col.kind === "numeric") {
      for (let k = 0; k < rows.length; k++) out[k * stride + offset] = (valueOr(col.values[rows[k]!]!, fill) - mean) / scale;
      return;
    }
    const numbers = col.categories.map(parseNumber);
    for (let k = 0; k < rows.length; k++) {
      const c = col.codes[rows[k]!]!;
      let v = fill;
      if (c >= 0) {
        v = numbers[c]!;
        if (v !== v) throw invalid(rows[k]!, this.column, "a number", col.categories[c]);
      }
      out[k * stride + offset] = (v - mean) / scale;
    }
  }

  writeValue(value: unknown, row: number, out: Float64Array, base: number): void {
    const v = readNumber(value);
    if (v === undefined) throw invalid(row, this.column, "a number", value);
    out[base] = ((v === v ? v : this.fill) - this.mean) / this.scale;
  }

  toState(): StateObject {
    return { kind: "numeric", column: this.column, fill: this.fill, mean: this.mean, scale: this.scale };
  }

  static fromState(s: StateObject): NumericStep {
    return new NumericStep(s.column as string, s.fill as number, s.mean as number, s.scale as number);
  }
}

/**
 * Most-frequent imputation, then one-hot: one feature per kept category (sorted), plus an
 * "other" feature when rarer categories were merged. Categories never seen in training give
 * all zeros.
 */
export class OneHotStep implements Step {
  readonly featureNames: string[];
  private readonly index: Map<string, number>;
  private readonly fillIndex: number;

  constructor(
    readonly column: string,
    readonly categories: string[],
    readonly infrequent: string[],
    readonly fill: string,
  ) {
    this.featureNames = categories.map((c) => `${column}=${c}`);
    if (infrequent.length) this.featureNames.push(`${column}=<other>`);
    this.index = new Map(categories.map((c, i) => [c, i]));
    for (const c of infrequent) this.index.set(c, categories.length);
    this.fillIndex = this.index.get(fill) ?? -1;
  }

  /**
   * Learns the categories seen in `rows`, the most frequent one (imputation) and, when more than
   * `maxCategories` are seen, keeps the `maxCategories - 1` most frequent and merges the rest.
   */
  static fit(col: Column & { kind: "categorical" }, rows: ArrayLike<number>, maxCategories: number): OneHotStep {
    const counts = new Float64Array(col.categories.length);
    for (let k = 0; k < rows.length; k++) {
      const c = col.codes[rows[k]!]!;
      if (c >= 0) counts[c]!++;
    }
    const seen = col.categories.map((_, i) => i).filter((i) => counts[i]! > 0);
    const byFrequency = [...seen].sort((a, b) => counts[b]! - counts[a]! || a - b);
    const fill = byFrequency.length ? col.categories[byFrequency[0]!]! : "";
    const nKept = seen.length > maxCategories ? maxCategories - 1 : seen.length;
    const kept = new Set(byFrequency.slice(0, nKept));
    const names = (ids: number[]): string[] => ids.map((i) => col.categories[i]!);
    return new OneHotStep(col.name, names(seen.filter((i) => kept.has(i))), names(seen.filter((i) => !kept.has(i))), fill);
  }

  writeFeature(col: Column, rows: ArrayLike<number>, j: number, out: Float64Array, stride: number, offset: number): void {
    if (col.kind === "categorical") {
      // hot[c]: 1 when the table's category c is feature j (-1, missing, is the imputed category)
      const hot = Uint8Array.from(col.categories, (c) => ((this.index.get(c) ?? -1) === j ? 1 : 0));
      const missing = this.fillIndex === j ? 1 : 0;
      for (let k = 0; k < rows.length; k++) {
        const c = col.codes[rows[k]!]!;
        out[k * stride + offset] = c >= 0 ? hot[c]! : missing;
      }
      return;
    }
    for (let k = 0; k < rows.length; k++) {
      const v = col.values[rows[k]!]!;
      const at = v === v ? (this.index.get(String(v)) ?? -1) : this.fillIndex;
      out[k * stride + offset] = at === j ? 1 : 0;
    }
  }

  writeValue(value: unknown, row: number, out: Float64Array, base: number): void {
    const category = readCategory(value);
    if (category === undefined) throw invalid(row, this.column, "a category (text)", value);
    const j = category === null ? this.fillIndex : (this.index.get(category) ?? -1);
    if (j >= 0) out[base + j] = 1;
  }

  toState(): StateObject {
    return { kind: "onehot", column: this.column, categories: this.categories, infrequent: this.infrequent, fill: this.fill };
  }

  static fromState(s: StateObject): OneHotStep {
    return new OneHotStep(s.column as string, [...(s.categories as string[])], [...(s.infrequent as string[])], s.fill as string);
  }
}

/**
 * A yes/no column as one 0/1 feature (1 for true/yes/y/t, any case); missing values get the most
 * frequent answer, values that are not yes/no words give 0.
 */
export class BooleanStep implements Step {
  readonly featureNames: string[];
  constructor(
    readonly column: string,
    readonly fill: number,
  ) {
    this.featureNames = [column];
  }

  /** Learns the most frequent answer among `rows` (ties: true). */
  static fit(col: Column & { kind: "categorical" }, rows: ArrayLike<number>): BooleanStep {
    let yes = 0;
    let no = 0;
    for (let k = 0; k < rows.length; k++) {
      const c = col.codes[rows[k]!]!;
      if (c < 0) continue;
      if (truthValue(col.categories[c]!) === 1) yes++;
      else no++;
    }
    return new BooleanStep(col.name, yes >= no ? 1 : 0);
  }

  writeFeature(col: Column, rows: ArrayLike<number>, _j: number, out: Float64Array, stride: number, offset: number): void {
    if (col.kind === "categorical") {
      const map = col.categories.map((c) => truthValue(c) ?? 0);
      for (let k = 0; k < rows.length; k++) {
        const c = col.codes[rows[k]!]!;
        out[k * stride + offset] = c >= 0 ? map[c]! : this.fill;
      }
      return;
    }
    for (let k = 0; k < rows.length; k++) {
      const v = col.values[rows[k]!]!;
      out[k * stride + offset] = v !== v ? this.fill : v === 1 ? 1 : 0;
    }
  }

  writeValue(value: unknown, row: number, out: Float64Array, base: number): void {
    if (isMissing(value)) out[base] = this.fill;
    else if (typeof value === "boolean") out[base] = value ? 1 : 0;
    else if (typeof value === "string") out[base] = truthValue(value) ?? 0;
    else if (typeof value === "number" && Number.isFinite(value)) out[base] = value === 1 ? 1 : 0;
    else throw invalid(row, this.column, "yes/no (a boolean or text)", value);
  }

  toState(): StateObject {
    return { kind: "boolean", column: this.column, fill: this.fill };
  }

  static fromState(s: StateObject): BooleanStep {
    return new BooleanStep(s.column as string, s.fill as number);
  }
}

/** Step kind (as saved) -> how to restore it. */
export const STEP_KINDS = {
  numeric: NumericStep.fromState,
  onehot: OneHotStep.fromState,
  boolean: BooleanStep.fromState,
} as const satisfies Record<string, (s: StateObject) => Step>;

function valueOr(v: number, fill: number): number {
  return v === v ? v : fill;
}

/**
 * The median of `values` (numpy's: mean of the two middle values; no NaN); 0 when empty. The
 * middle values are found by selection, in linear time, as sorting would find them (-0 before 0).
 * Reorders `values`.
 */
export function median(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return 0;
  const k = n >> 1;
  if (n % 2) return orderStatistics(values, [k])[0]!;
  const [lower, upper] = orderStatistics(values, [k - 1, k]);
  return (lower! + upper!) / 2;
}
