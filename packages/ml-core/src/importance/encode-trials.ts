import { MlError } from "../core/errors";
import type { Matrix } from "../core/matrix";
import type { Distribution, SearchSpace } from "../core/search-space";
import { choiceIndex, gridHigh, isSingle } from "../tpe/distributions";

/** A finished trial as importance reads it: its parameters and its value. */
export interface ScoredTrial {
  readonly params: Readonly<Record<string, unknown>>;
  readonly value: number | null;
}

/** Trials encoded for fANOVA: one row per trial, one column per number and per category. */
export interface EncodedTrials {
  readonly X: Matrix;
  readonly y: Float64Array;
  /** The encoded space's box: `[low, high]` of column `c` at `2c`, `2c + 1`. */
  readonly bounds: Float64Array;
  /** The parameters assessed (in name order) and, for each, its columns. */
  readonly params: readonly string[];
  readonly columns: readonly (readonly number[])[];
  /** Parameters that can take one value only: their importance is 0. */
  readonly constant: readonly string[];
}

/** The raw range of a numeric distribution (no log, no half steps: `transform_log=False, transform_step=False`). */
function range(d: Exclude<Distribution, { type: "categorical" }>): [number, number] {
  return [d.low, d.step !== undefined ? gridHigh(d.low, d.high, d.step) : d.high];
}

/** Whether `value` belongs to `d` (an unknown choice, a value off the range: the trial is left out). */
function belongs(d: Distribution, value: unknown): boolean {
  if (d.type === "categorical") return choiceIndex(d.choices, value) >= 0;
  const [low, high] = range(d);
  return typeof value === "number" && value >= low && value <= high;
}

/**
 * Encodes a study's complete trials as Optuna's FanovaImportanceEvaluator does: the parameters every
 * trial with a finite value has (the intersection search space, sorted by name), numbers on their
 * raw scale within `[low, high]`, categoricals one-hot with each column in `[0, 1]`
 * (`_SearchSpaceTransform(transform_log=False, transform_step=False)`). Parameters that can take
 * one value only are set aside.
 * @throws MlError `NOT_ENOUGH_TRIALS` (422) with fewer than two such trials or no parameter to assess.
 */
export function encodeTrials(space: SearchSpace, trials: readonly ScoredTrial[]): EncodedTrials {
  const scored = trials.filter((t) => typeof t.value === "number" && Number.isFinite(t.value));
  const shared = Object.keys(space)
    .filter((p) => scored.every((t) => Object.prototype.hasOwnProperty.call(t.params, p)))
    .sort();
  const used = scored.filter((t) => shared.every((p) => belongs(space[p]!, t.params[p])));
  const params = shared.filter((p) => !isSingle(space[p]!));
  if (used.length < 2 || params.length === 0) {
    throw new MlError("NOT_ENOUGH_TRIALS", `Importance needs at least two complete trials that vary a parameter, but the study has ${used.length} complete trial(s) and ${params.length} varying parameter(s).`, 422);
  }
  const columns: number[][] = [];
  const bounds: number[] = [];
  for (const p of params) {
    const d = space[p]!;
    const first = bounds.length / 2;
    const width = d.type === "categorical" ? d.choices.length : 1;
    columns.push(Array.from({ length: width }, (_, i) => first + i));
    if (d.type === "categorical") for (let i = 0; i < width; i++) bounds.push(0, 1);
    else bounds.push(...range(d));
  }
  const cols = bounds.length / 2;
  const data = new Float64Array(used.length * cols);
  used.forEach((t, row) => {
    params.forEach((p, j) => {
      const d = space[p]!;
      const at = row * cols + columns[j]![0]!;
      if (d.type === "categorical") data[at + choiceIndex(d.choices, t.params[p])] = 1;
      else data[at] = t.params[p] as number;
    });
  });
  return {
    X: { data, rows: used.length, cols },
    y: Float64Array.from(used, (t) => t.value as number),
    bounds: Float64Array.from(bounds),
    params,
    columns,
    constant: shared.filter((p) => isSingle(space[p]!)),
  };
}
