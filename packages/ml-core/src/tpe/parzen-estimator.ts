import type { Rng } from "../core/rng";
import type { Distribution } from "../core/search-space";
import { CategoricalKernels, DiscreteTruncNormKernels, type Kernels, TruncNormKernels, parzenBounds, snapInternal } from "./distributions";

/** How a Parzen estimator chooses its kernels (a subset of `TpeSettings`). */
export interface ParzenEstimatorParams {
  readonly priorWeight: number;
  readonly considerMagicClip: boolean;
  readonly considerEndpoints: boolean;
  readonly multivariate: boolean;
  readonly weights: (n: number) => Float64Array;
}

const EPS = 1e-12;
const SIGMA0_MAGNITUDE = 0.2;

/**
 * A Parzen estimator over one or more parameters: a mixture of one product kernel per observation
 * plus a prior component, weighted by `params.weights` (Optuna's `_ParzenEstimator`, with
 * `consider_prior=True`). Univariate TPE builds one per parameter; multivariate TPE one for all.
 *
 * Observations are on the internal scale (see `toInternal`), one `Float64Array` per parameter, all of
 * the same length n, oldest first.
 */
export class ParzenEstimator {
  /** Normalised mixture weights: the n observations, then the prior. */
  readonly weights: Float64Array;
  /** One batch of kernels per parameter, each of n + 1 components. */
  readonly kernels: readonly Kernels[];
  private readonly logWeights: Float64Array;
  private readonly cumWeights: Float64Array;
  private readonly scratch: Float64Array;

  constructor(readonly space: readonly Distribution[], observations: readonly Float64Array[], readonly params: ParzenEstimatorParams) {
    if (space.length === 0 || observations.length !== space.length) throw new RangeError("ParzenEstimator needs one observation array per parameter.");
    const n = (observations[0] as Float64Array).length;
    this.weights = mixtureWeights(n, params);
    this.logWeights = this.weights.map(Math.log);
    this.cumWeights = new Float64Array(n + 1);
    let acc = 0;
    for (let j = 0; j <= n; j++) this.cumWeights[j] = acc += this.weights[j] as number;
    this.scratch = new Float64Array(n + 1);
    const sigma0 = params.multivariate ? SIGMA0_MAGNITUDE * Math.max(n, 1) ** (-1 / (space.length + 4)) : null;
    this.kernels = space.map((d, p) => buildKernels(d, observations[p] as Float64Array, params, sigma0));
  }

  /** Number of mixture components (observations + prior). */
  get size(): number {
    return this.weights.length;
  }

  /**
   * `size` joint draws, on the internal scale and snapped to each parameter's grid: one component is
   * picked per draw (shared by all parameters) and each parameter drawn from its kernel.
   */
  sample(rng: Rng, size: number): Float64Array[] {
    const out = this.space.map(() => new Float64Array(size));
    const cum = this.cumWeights;
    const total = cum[cum.length - 1] as number;
    for (let i = 0; i < size; i++) {
      const u = rng.next() * total;
      let lo = 0, hi = cum.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((cum[mid] as number) > u) hi = mid;
        else lo = mid + 1;
      }
      for (let p = 0; p < this.space.length; p++) {
        (out[p] as Float64Array)[i] = snapInternal(this.space[p] as Distribution, (this.kernels[p] as Kernels).sample(lo, rng));
      }
    }
    return out;
  }

  /** log of the mixture density (mass, for discrete parameters) at each sample; `samples` as from `sample`. */
  logPdf(samples: readonly Float64Array[], out?: Float64Array): Float64Array {
    const m = (samples[0] as Float64Array).length;
    const result = out ?? new Float64Array(m);
    const comp = this.scratch;
    const k = comp.length;
    for (let i = 0; i < m; i++) {
      comp.set(this.logWeights);
      for (let p = 0; p < this.kernels.length; p++) (this.kernels[p] as Kernels).addLogPdf((samples[p] as Float64Array)[i] as number, comp);
      let max = -Infinity;
      for (let j = 0; j < k; j++) if ((comp[j] as number) > max) max = comp[j] as number;
      if (max === -Infinity) {
        result[i] = -Infinity;
        continue;
      }
      // Terms more than 40 nats below the largest add under 1e-17 relative: skip their exp.
      const cut = max - 40;
      let s = 0;
      for (let j = 0; j < k; j++) {
        const c = comp[j] as number;
        if (c > cut) s += Math.exp(c - max);
      }
      result[i] = max + Math.log(s);
    }
    return result;
  }
}

/** Observation weights from `params.weights`, then the prior weight, normalised (`_calculate_weights`). */
function mixtureWeights(n: number, params: ParzenEstimatorParams): Float64Array {
  const w = new Float64Array(n + 1);
  if (n > 0) {
    const given = params.weights(n);
    if (given.length < n) throw new RangeError(`The weights function must return ${n} values, but returned ${given.length}.`);
    for (let i = 0; i < n; i++) {
      const v = given[i] as number;
      if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`The weights function must return finite non-negative values, but returned ${v}.`);
      w[i] = v;
    }
  }
  w[n] = params.priorWeight;
  let sum = 0;
  for (let i = 0; i <= n; i++) sum += w[i] as number;
  if (!(sum > 0)) throw new RangeError("The weights and prior weight must not all be zero.");
  for (let i = 0; i <= n; i++) (w[i] as number) /= sum;
  return w;
}

function buildKernels(d: Distribution, obs: Float64Array, params: ParzenEstimatorParams, sigma0: number | null): Kernels {
  const n = obs.length;
  if (d.type === "categorical") {
    // Each observation puts 1 on its choice; every row also spreads priorWeight / (n + 1) over all
    // choices; the prior row is uniform (`_calculate_categorical_params`).
    const k = d.choices.length;
    const value = params.priorWeight / (n + 1);
    const probs = new Float64Array((n + 1) * k).fill(value);
    for (let j = 0; j < n; j++) (probs[j * k + (obs[j] as number)] as number) += 1;
    for (let j = 0; j <= n; j++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += probs[j * k + c] as number;
      for (let c = 0; c < k; c++) (probs[j * k + c] as number) /= s;
    }
    return new CategoricalKernels(probs, k);
  }
  const { low, high, step } = parzenBounds(d);
  const { mus, sigmas } = numericalKernels(obs, low, high, params, sigma0);
  return step === null ? new TruncNormKernels(mus, sigmas, low, high) : new DiscreteTruncNormKernels(mus, sigmas, low, high, step);
}

/**
 * Kernel centres and widths of one numeric parameter (`_calculate_numerical_params`): the prior
 * N((low + high) / 2, high - low) is appended; univariate widths are the larger gap to the sorted
 * neighbours (the range's ends standing in as neighbours only with `considerEndpoints`), multivariate
 * widths are sigma0 (high - low); all are clipped to [range / min(100, n + 2), range] under the magic
 * clip, then the prior's is reset to the range.
 */
export function numericalKernels(obs: Float64Array, low: number, high: number, params: ParzenEstimatorParams, sigma0: number | null): { mus: Float64Array; sigmas: Float64Array } {
  const n = obs.length;
  const m = n + 1;
  const mus = new Float64Array(m);
  mus.set(obs);
  mus[n] = 0.5 * (low + high);
  const sigmas = new Float64Array(m);
  const range = high - low;
  if (sigma0 !== null) {
    sigmas.fill(sigma0 * range);
  } else {
    const order = new Uint32Array(m);
    for (let i = 0; i < m; i++) order[i] = i;
    order.sort((a, b) => (mus[a] as number) - (mus[b] as number) || a - b);
    const sorted = new Float64Array(m + 2);
    sorted[0] = low;
    for (let i = 0; i < m; i++) sorted[i + 1] = mus[order[i] as number] as number;
    sorted[m + 1] = high;
    for (let i = 0; i < m; i++) {
      const left = (sorted[i + 1] as number) - (sorted[i] as number);
      const right = (sorted[i + 2] as number) - (sorted[i + 1] as number);
      let s = Math.max(left, right);
      if (!params.considerEndpoints && m >= 2) {
        if (i === 0) s = right;
        else if (i === m - 1) s = left;
      }
      sigmas[order[i] as number] = s;
    }
  }
  const minSigma = params.considerMagicClip ? range / Math.min(100, 1 + m) : EPS;
  for (let i = 0; i < m; i++) sigmas[i] = Math.min(range, Math.max(minSigma, sigmas[i] as number));
  sigmas[n] = range;
  return { mus, sigmas };
}
