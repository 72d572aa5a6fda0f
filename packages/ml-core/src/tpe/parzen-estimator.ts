import type { Rng } from "../core/rng";
import type { Distribution } from "../core/search-space";
import { expNeg } from "./truncnorm";
import { CategoricalKernels, DiscreteTruncNormKernels, type Kernels, TruncNormKernels, parzenBounds, snapInternal } from "./distributions";

/** How a Parzen estimator chooses its kernels (a subset of `TpeSettings`). */
export interface ParzenEstimatorParams {
  readonly priorWeight: number;
  readonly considerMagicClip: boolean;
  readonly considerEndpoints: boolean;
  readonly multivariate: boolean;
  readonly weights: (n: number) => Float64Array;
  /**
   * Continuous kernels as true densities (with their -log(sigma) term). Default false: Optuna 3.1's
   * form, which `ask` uses (see `TruncNormKernels`).
   */
  readonly normalisedKernels?: boolean;
  /** Width floor under the magic clip, as a fraction of the range. Default 0.01 (Optuna). */
  readonly minBandwidthFactor?: number;
  /** Exponent of the magic clip's (n + 2)^-exponent floor. Default 1 (Optuna). */
  readonly magicClipExponent?: number;
  /** Multivariate widths: "scott" (Optuna, default) or per-observation "neighbours" gaps. */
  readonly multivariateBandwidth?: "scott" | "neighbours";
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

  constructor(readonly space: readonly Distribution[], observations: readonly Float64Array[], readonly params: ParzenEstimatorParams, observationWeights?: Float64Array) {
    if (space.length === 0 || observations.length !== space.length) throw new RangeError("ParzenEstimator needs one observation array per parameter.");
    const n = (observations[0] as Float64Array).length;
    this.weights = mixtureWeights(n, params, observationWeights);
    this.logWeights = new Float64Array(n + 1);
    for (let j = 0; j <= n; j++) this.logWeights[j] = Math.log(this.weights[j] as number);
    this.cumWeights = new Float64Array(n + 1);
    let acc = 0;
    for (let j = 0; j <= n; j++) this.cumWeights[j] = acc += this.weights[j] as number;
    this.scratch = new Float64Array(n + 1);
    const sigma0 = params.multivariate && params.multivariateBandwidth !== "neighbours" ? SIGMA0_MAGNITUDE * Math.max(n, 1) ** (-1 / (space.length + 4)) : null;
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
      let max = -Infinity;
      for (let p = 0; p < this.kernels.length; p++) max = (this.kernels[p] as Kernels).addLogPdf((samples[p] as Float64Array)[i] as number, comp);
      if (max === -Infinity) {
        result[i] = -Infinity;
        continue;
      }
      // Terms more than 40 nats below the largest add under 1e-17 relative each: skip their exp.
      const cut = max - 40;
      let s = 0;
      for (let j = 0; j < k; j++) {
        const c = comp[j] as number;
        if (c > cut) s += expNeg(c - max);
      }
      result[i] = max + Math.log(s);
    }
    return result;
  }
}

/**
 * Observation weights from `params.weights` (or `observationWeights`, the prior then weighing
 * priorWeight times their mean), then the prior weight, normalised (`_calculate_weights`).
 */
function mixtureWeights(n: number, params: ParzenEstimatorParams, observationWeights?: Float64Array): Float64Array {
  const w = new Float64Array(n + 1);
  let priorWeight = params.priorWeight;
  if (n > 0) {
    const given = observationWeights ?? params.weights(n);
    if (given.length < n) throw new RangeError(`The weights function must return ${n} values, but returned ${given.length}.`);
    for (let i = 0; i < n; i++) {
      const v = given[i] as number;
      if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`The weights function must return finite non-negative values, but returned ${v}.`);
      w[i] = v;
    }
    if (observationWeights) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += w[i] as number;
      priorWeight *= mean / n;
    }
  }
  w[n] = priorWeight;
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
  return step === null ? new TruncNormKernels(mus, sigmas, low, high, params.normalisedKernels === true) : new DiscreteTruncNormKernels(mus, sigmas, low, high, step);
}

/**
 * Kernel centres and widths of one numeric parameter (`_calculate_numerical_params`): the prior
 * N((low + high) / 2, high - low) is appended; univariate widths are the larger gap to the sorted
 * neighbours (the range's ends standing in as neighbours only with `considerEndpoints`), as are
 * multivariate ones with "neighbours" bandwidth, while Optuna's multivariate widths are sigma0 (high - low);
 * all are clipped to [range max(minBandwidthFactor, (n + 2)^-magicClipExponent), range] under the
 * magic clip (Optuna: [range / min(100, n + 2), range]), then the prior's is reset to the range.
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
    // np.argsort's order, ties included: tied observations get different widths (the first the gap
    // to the left, the last the gap to the right), and which of them is which matters once weights differ.
    const order = argsortNumpy(mus, new Int32Array(m));
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
  // Optuna: range / min(100, n + 2); Watanabe (2023) generalises the floor to max(factor, (n + 2)^-exponent).
  const minFactor = params.minBandwidthFactor ?? 0.01;
  const exponent = params.magicClipExponent ?? 1;
  const minSigma = params.considerMagicClip ? range / Math.min(1 / minFactor, (1 + m) ** exponent) : EPS;
  for (let i = 0; i < m; i++) sigmas[i] = Math.min(range, Math.max(minSigma, sigmas[i] as number));
  sigmas[n] = range;
  return { mus, sigmas };
}

/**
 * Indices that sort `v` ascending, in exactly the order numpy 1.24's default `np.argsort` (introsort:
 * median-of-3 quicksort, insertion sort below 16 elements, heapsort past the depth limit) gives,
 * including among ties. `v` must not hold NaN. Fills and returns `idx` (of length `v.length`).
 */
export function argsortNumpy(v: Float64Array, idx: Int32Array): Int32Array {
  const num = v.length;
  for (let i = 0; i < num; i++) idx[i] = i;
  if (num < 2) return idx;
  const stack: number[] = [];
  let pl = 0, pr = num - 1;
  let cdepth = 2 * (31 - Math.clz32(num));
  for (;;) {
    if (cdepth < 0) {
      heapsortRange(v, idx, pl, pr - pl + 1);
    } else {
      while (pr - pl > 15) {
        const pm = pl + ((pr - pl) >> 1);
        let t: number;
        if ((v[idx[pm] as number] as number) < (v[idx[pl] as number] as number)) { t = idx[pm] as number; idx[pm] = idx[pl] as number; idx[pl] = t; }
        if ((v[idx[pr] as number] as number) < (v[idx[pm] as number] as number)) { t = idx[pr] as number; idx[pr] = idx[pm] as number; idx[pm] = t; }
        if ((v[idx[pm] as number] as number) < (v[idx[pl] as number] as number)) { t = idx[pm] as number; idx[pm] = idx[pl] as number; idx[pl] = t; }
        const vp = v[idx[pm] as number] as number;
        let pi = pl, pj = pr - 1;
        t = idx[pm] as number; idx[pm] = idx[pj] as number; idx[pj] = t;
        for (;;) {
          do ++pi; while ((v[idx[pi] as number] as number) < vp);
          do --pj; while (vp < (v[idx[pj] as number] as number));
          if (pi >= pj) break;
          t = idx[pi] as number; idx[pi] = idx[pj] as number; idx[pj] = t;
        }
        const pk = pr - 1;
        t = idx[pi] as number; idx[pi] = idx[pk] as number; idx[pk] = t;
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr, --cdepth);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1, --cdepth);
          pl = pi + 1;
        }
      }
      for (let pi = pl + 1; pi <= pr; pi++) {
        const vi = idx[pi] as number;
        const vp = v[vi] as number;
        let pj = pi;
        while (pj > pl && vp < (v[idx[pj - 1] as number] as number)) {
          idx[pj] = idx[pj - 1] as number;
          pj--;
        }
        idx[pj] = vi;
      }
    }
    if (stack.length === 0) break;
    cdepth = stack.pop() as number;
    pr = stack.pop() as number;
    pl = stack.pop() as number;
  }
  return idx;
}

/** numpy's `aheapsort` on idx[start .. start + n). */
function heapsortRange(v: Float64Array, idx: Int32Array, start: number, n: number): void {
  // 1-based view a[k] = idx[start + k - 1], as numpy writes it.
  const get = (k: number): number => idx[start + k - 1] as number;
  const set = (k: number, x: number): void => void (idx[start + k - 1] = x);
  let i: number, j: number, l: number, tmp: number;
  for (l = n >> 1; l > 0; --l) {
    tmp = get(l);
    for (i = l, j = l << 1; j <= n;) {
      if (j < n && (v[get(j)] as number) < (v[get(j + 1)] as number)) j += 1;
      if ((v[tmp] as number) < (v[get(j)] as number)) {
        set(i, get(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  }
  for (; n > 1;) {
    tmp = get(n);
    set(n, get(1));
    n -= 1;
    for (i = 1, j = 2; j <= n;) {
      if (j < n && (v[get(j)] as number) < (v[get(j + 1)] as number)) j++;
      if ((v[tmp] as number) < (v[get(j)] as number)) {
        set(i, get(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  }
}
