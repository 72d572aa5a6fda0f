import type { Rng } from "../core/rng";
import type { Choice, Distribution } from "../core/search-space";
import { logGaussMass, ppf } from "./truncnorm";

/**
 * The search-space side of TPE and the kernels of its Parzen estimators.
 *
 * TPE works on an *internal* scale (Optuna's `to_internal_repr` plus `_transform_to_uniform`): the
 * logarithm for log-scaled numbers, the value itself otherwise, the choice index for categoricals.
 * Kernels are readonly data with `sample` and `logPdf`, batched over the components of a mixture
 * (after Optuna's `_BatchedTruncNormDistributions` and friends).
 */

/** The Parzen bounds of a numeric distribution on the internal scale (`_calculate_parzen_bounds`). */
export interface ParzenBounds {
  readonly low: number;
  readonly high: number;
  /** Grid spacing of a stepped (non-log) distribution, judged on the interval [x - step/2, x + step/2]. */
  readonly step: number | null;
}

/** True when the distribution can take only one value (sampled without TPE, as Optuna does). */
export function isSingle(d: Distribution): boolean {
  if (d.type === "categorical") return d.choices.length === 1;
  if (d.low === d.high) return true;
  const step = d.step ?? (d.type === "int" ? 1 : undefined);
  return step !== undefined && !d.log && d.high - d.low < step;
}

/** The one value of a distribution for which `isSingle` holds. */
export function singleValue(d: Distribution): Choice {
  return d.type === "categorical" ? (d.choices[0] as Choice) : d.low;
}

/** Parzen bounds: log(low), log(high) for log scales (with +-0.5 for ints), else low - step/2, high + step/2. */
export function parzenBounds(d: Exclude<Distribution, { type: "categorical" }>): ParzenBounds {
  if (d.type === "float") {
    if (d.log) return { low: Math.log(d.low), high: Math.log(d.high), step: null };
    if (d.step !== undefined) return { low: d.low - 0.5 * d.step, high: gridHigh(d.low, d.high, d.step) + 0.5 * d.step, step: d.step };
    return { low: d.low, high: d.high, step: null };
  }
  if (d.log) return { low: Math.log(d.low - 0.5), high: Math.log(d.high + 0.5), step: null };
  const step = d.step ?? 1;
  return { low: d.low - 0.5 * step, high: gridHigh(d.low, d.high, step) + 0.5 * step, step };
}

/** The largest value of the grid low + k * step not above high (Optuna adjusts `high` the same way). */
export function gridHigh(low: number, high: number, step: number): number {
  const k = Math.floor((high - low) / step + 1e-9);
  return low + k * step;
}

/** The index of `value` among `choices`, or -1 (NaN matches NaN). */
export function choiceIndex(choices: readonly Choice[], value: unknown): number {
  for (let i = 0; i < choices.length; i++) {
    const c = choices[i];
    if (c === value || (typeof c === "number" && typeof value === "number" && Number.isNaN(c) && Number.isNaN(value))) return i;
  }
  return -1;
}

/**
 * A user-facing value on the internal scale, or NaN when it does not belong to the distribution
 * (wrong type, outside the range, unknown choice): such observations are ignored.
 */
export function toInternal(d: Distribution, value: unknown): number {
  if (d.type === "categorical") {
    const i = choiceIndex(d.choices, value);
    return i < 0 ? NaN : i;
  }
  if (typeof value !== "number" || !(value >= d.low && value <= d.high)) return NaN;
  return d.log ? Math.log(value) : value;
}

function roundToGrid(x: number, low: number, high: number, step: number): number {
  const v = Math.round((x - low) / step) * step + low;
  return Math.min(gridHigh(low, high, step), Math.max(low, v));
}

/** The user-facing value of an internal-scale sample: exp for log scales, grid rounding, choice lookup. */
export function fromInternal(d: Distribution, x: number): Choice {
  if (d.type === "categorical") return d.choices[Math.min(d.choices.length - 1, Math.max(0, Math.round(x)))] as Choice;
  if (d.type === "float") {
    if (d.log) return Math.min(d.high, Math.max(d.low, Math.exp(x)));
    if (d.step !== undefined) return roundToGrid(x, d.low, d.high, d.step);
    return Math.min(d.high, Math.max(d.low, x));
  }
  if (d.log) return Math.min(d.high, Math.max(d.low, Math.round(Math.exp(x))));
  return roundToGrid(x, d.low, d.high, d.step ?? 1);
}

/**
 * Moves a raw kernel sample onto the values the distribution can take, still on the internal scale
 * (Optuna scores candidates after `_transform_from_uniform` and back).
 */
export function snapInternal(d: Distribution, x: number): number {
  if (d.type === "categorical") return x;
  if (d.type === "float" && d.step === undefined) return d.log ? Math.log(fromInternal(d, x) as number) : x;
  const v = fromInternal(d, x) as number;
  return d.log ? Math.log(v) : v;
}

/**
 * One draw from the distribution, uniform on its internal scale (Optuna's `RandomSampler`): used for
 * the startup trials. Stepped and integer values are uniform over their grid.
 */
export function sampleUniform(d: Distribution, rng: Rng): Choice {
  if (d.type === "categorical") return d.choices[rng.int(d.choices.length)] as Choice;
  if (isSingle(d)) return d.low;
  const b = parzenBounds(d);
  return fromInternal(d, rng.uniform(b.low, b.high));
}

/** A batch of kernels (one per mixture component) over one parameter. */
export interface Kernels {
  /** Number of components. */
  readonly size: number;
  /** A draw from component `j`, on the internal scale (not yet snapped to the grid). */
  sample(j: number, rng: Rng): number;
  /** Adds log p_j(x) of every component j to `out[j]`; returns the largest `out[j]` after that. */
  addLogPdf(x: number, out: Float64Array): number;
}

/**
 * Normal kernels N(mu_j, sigma_j) truncated to [low, high] (continuous, possibly log-scaled,
 * parameters).
 *
 * By default `addLogPdf` computes what Optuna 3.1's Parzen estimator computes: its
 * `_truncnorm.logpdf(x, a, b, loc, scale)` leaves out the -log(scale) term, so kernel j's "density"
 * is sigma_j times the normalised one (wider kernels weigh more, in l(x) and g(x) alike). TPE's
 * behaviour is tuned on that form, so `ask` uses it; pass `normalised = true` for true densities.
 */
export class TruncNormKernels implements Kernels {
  readonly size: number;
  /** -log(sqrt(2 pi)) - log Z_j (- log(sigma_j) when normalised), Z_j the kernel's mass inside [low, high]. */
  private readonly logConst: Float64Array;
  private readonly invSigma: Float64Array;

  constructor(readonly mu: Float64Array, readonly sigma: Float64Array, readonly low: number, readonly high: number, readonly normalised = false) {
    this.size = mu.length;
    this.logConst = new Float64Array(this.size);
    this.invSigma = new Float64Array(this.size);
    const logSqrt2Pi = 0.5 * Math.log(2 * Math.PI);
    for (let j = 0; j < this.size; j++) {
      const m = mu[j] as number, s = sigma[j] as number;
      this.invSigma[j] = 1 / s;
      this.logConst[j] = (normalised ? -Math.log(s) : 0) - logSqrt2Pi - logGaussMass((low - m) / s, (high - m) / s);
    }
  }

  sample(j: number, rng: Rng): number {
    const m = this.mu[j] as number, s = this.sigma[j] as number;
    const z = ppf(rng.next(), (this.low - m) / s, (this.high - m) / s);
    return Math.min(this.high, Math.max(this.low, m + s * z));
  }

  addLogPdf(x: number, out: Float64Array): number {
    const { mu, invSigma, logConst, size } = this;
    if (x < this.low || x > this.high) {
      out.fill(-Infinity, 0, size);
      return -Infinity;
    }
    let max = -Infinity;
    for (let j = 0; j < size; j++) {
      const z = (x - (mu[j] as number)) * (invSigma[j] as number);
      const v = (out[j] as number) + (logConst[j] as number) - 0.5 * z * z;
      out[j] = v;
      if (v > max) max = v;
    }
    return max;
  }
}

/**
 * Truncated normal kernels on a grid of spacing `step`: the probability of a grid value x is the
 * kernel's mass on [x - step/2, x + step/2] (clipped to [low, high]) over its mass on [low, high].
 */
export class DiscreteTruncNormKernels implements Kernels {
  readonly size: number;
  private readonly logZ: Float64Array;

  constructor(readonly mu: Float64Array, readonly sigma: Float64Array, readonly low: number, readonly high: number, readonly step: number) {
    this.size = mu.length;
    this.logZ = new Float64Array(this.size);
    for (let j = 0; j < this.size; j++) {
      const m = mu[j] as number, s = sigma[j] as number;
      this.logZ[j] = logGaussMass((low - m) / s, (high - m) / s);
    }
  }

  sample(j: number, rng: Rng): number {
    const m = this.mu[j] as number, s = this.sigma[j] as number;
    const z = ppf(rng.next(), (this.low - m) / s, (this.high - m) / s);
    return Math.min(this.high, Math.max(this.low, m + s * z));
  }

  addLogPdf(x: number, out: Float64Array): number {
    const { mu, sigma, logZ, size } = this;
    const lower = Math.max(x - 0.5 * this.step, this.low);
    const upper = Math.min(x + 0.5 * this.step, this.high);
    if (!(upper > lower)) {
      out.fill(-Infinity, 0, size);
      return -Infinity;
    }
    let max = -Infinity;
    for (let j = 0; j < size; j++) {
      const m = mu[j] as number, s = sigma[j] as number;
      const v = (out[j] as number) + logGaussMass((lower - m) / s, (upper - m) / s) - (logZ[j] as number);
      out[j] = v;
      if (v > max) max = v;
    }
    return max;
  }
}

/** Categorical kernels: component j puts probability `probs[j * nChoices + c]` on choice c. */
export class CategoricalKernels implements Kernels {
  readonly size: number;
  private readonly logProbs: Float64Array;

  constructor(readonly probs: Float64Array, readonly nChoices: number) {
    this.size = probs.length / nChoices;
    this.logProbs = new Float64Array(probs.length);
    for (let i = 0; i < probs.length; i++) this.logProbs[i] = Math.log(probs[i] as number);
  }

  sample(j: number, rng: Rng): number {
    const u = rng.next();
    let acc = 0;
    const base = j * this.nChoices;
    for (let c = 0; c < this.nChoices - 1; c++) {
      acc += this.probs[base + c] as number;
      if (u < acc) return c;
    }
    return this.nChoices - 1;
  }

  addLogPdf(x: number, out: Float64Array): number {
    const c = Math.round(x);
    if (!(c >= 0 && c < this.nChoices)) {
      out.fill(-Infinity, 0, this.size);
      return -Infinity;
    }
    const { logProbs, nChoices, size } = this;
    let max = -Infinity;
    for (let j = 0, k = c; j < size; j++, k += nChoices) {
      const v = (out[j] as number) + (logProbs[k] as number);
      out[j] = v;
      if (v > max) max = v;
    }
    return max;
  }
}
