/**
 * Settings of the TPE sampler: the service default (`DEFAULT_TPE_SETTINGS`), Optuna 3.1's defaults
 * (`OPTUNA_COMPATIBLE_SETTINGS`), and the strategy functions they use.
 */

/** How many of the `n` finished trials form the "below" (good) group l(x): min(ceil(0.1 n), 25). */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/**
 * The "linear" split of Watanabe (2023): the best ceil(beta n) of the `n` finished trials form the
 * below group, without Optuna's cap of 25.
 *
 * @param beta fraction of the trials in the below group; the paper recommends 0.15.
 * @see https://arxiv.org/abs/2304.11127 (Sec. 3.1 "Splitting algorithm", Table 3)
 */
export function linearGamma(beta: number): (n: number) => number {
  return (n) => Math.ceil(beta * n);
}

/**
 * Weights of `n` observations in chronological order (Optuna's `default_weights`): all ones for
 * n < 25; otherwise a ramp from 1/n to 1 over the oldest n - 25 observations, then 25 ones.
 */
export function defaultWeights(n: number): Float64Array {
  const w = new Float64Array(n);
  if (n < 25) return w.fill(1);
  const m = n - 25;
  for (let i = 0; i < m; i++) w[i] = m === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (m - 1);
  w.fill(1, m);
  return w;
}

/** Equal weights for `n` observations (Watanabe 2023's "uniform" weighting). */
export function uniformWeights(n: number): Float64Array {
  return new Float64Array(n).fill(1);
}

/** Settings of `ask`; see Optuna's `TPESampler` for each. */
export interface TpeSettings {
  /** Whether the objective is maximised or minimised. */
  readonly direction: "maximize" | "minimize";
  /** Finished (complete or pruned) trials sampled at random before TPE starts. Default 10. */
  readonly nStartupTrials: number;
  /** Candidates drawn from l(x) and scored by l(x) / g(x). Default 24. */
  readonly nEiCandidates: number;
  /** Weight of the prior component (a wide normal, or uniform choices) in each mixture. Default 1. */
  readonly priorWeight: number;
  /** Bounds kernel widths below by range * max(minBandwidthFactor, (n + 2)^-magicClipExponent). Default true. */
  readonly considerMagicClip: boolean;
  /** Smallest kernel width under the magic clip, as a fraction of the range. Optuna: 0.01. */
  readonly minBandwidthFactor: number;
  /** Exponent of the magic clip's (n + 2)^-exponent width floor. Optuna: 1. */
  readonly magicClipExponent: number;
  /** Lets the bounds of the range widen the first and last kernels. Optuna: false. */
  readonly considerEndpoints: boolean;
  /** Joint kernels over all unconditional parameters (Optuna's `multivariate=True`). Optuna: false. */
  readonly multivariate: boolean;
  /**
   * With `multivariate`, also sample the conditional parameters jointly, one group per condition
   * (the parameters that exist in exactly the same trials), after their parent (Optuna's `group=True`).
   * Without it they are sampled one by one. Optuna: false.
   */
  readonly group: boolean;
  /**
   * Kernel widths of multivariate estimators: "scott" is Optuna's one width per dimension,
   * 0.2 n^(-1/(d+4)) range; "neighbours" gives each observation, in each dimension, the larger gap to
   * its sorted neighbours, as univariate TPE does (Watanabe 2023's "hyperopt" bandwidth). Optuna: "scott".
   */
  readonly multivariateBandwidth: "scott" | "neighbours";
  /**
   * Continuous kernels as true densities, with the -log(sigma) term that Optuna 3.1's
   * `_truncnorm.logpdf` omits (narrow kernels then weigh more where they are). Optuna 3.1: false.
   */
  readonly normalisedKernels: boolean;
  /**
   * How the below observations are weighted: "chronological" uses `weights`; "ei" weighs each by
   * its improvement over the best above value, max(1e-12, y* - y), and the prior by their mean
   * (Watanabe 2023's "expected improvement" weighting; needs complete below trials, else falls back
   * to `weights`). The above observations always use `weights`. Optuna: "chronological".
   */
  readonly belowWeighting: "chronological" | "ei";
  /** Running trials count as the worst observations, so parallel asks spread out. Default true. */
  readonly constantLiar: boolean;
  /** Size of the below group given the number of finished trials. Optuna: `defaultGamma`. */
  readonly gamma: (n: number) => number;
  /** Weights of n observations, oldest first. Optuna: `defaultWeights`. */
  readonly weights: (n: number) => Float64Array;
}

/**
 * Optuna 3.1's `TPESampler` defaults (univariate), except `constantLiar` (true here: trials run in
 * parallel workers). With these settings `ask` computes what Optuna 3.1 computes.
 */
export const OPTUNA_COMPATIBLE_SETTINGS: TpeSettings = Object.freeze({
  direction: "minimize",
  nStartupTrials: 10,
  nEiCandidates: 24,
  priorWeight: 1,
  considerMagicClip: true,
  minBandwidthFactor: 0.01,
  magicClipExponent: 1,
  considerEndpoints: false,
  multivariate: false,
  group: false,
  multivariateBandwidth: "scott",
  normalisedKernels: false,
  belowWeighting: "chronological",
  constantLiar: true,
  gamma: defaultGamma,
  weights: defaultWeights,
});

/**
 * The service default: TPE with the recommended setting of Watanabe (2023), which searches better
 * than Optuna 3.1's default on our bench (bench/tpe.ts): multivariate kernels whose widths are each
 * observation's larger gap to its neighbours in every dimension (range ends included), a width floor
 * of max(0.03, (n + 2)^-2) range, the best ceil(0.15 n) trials as the below group, below observations
 * weighted by their improvement over the best above value, above ones uniformly; conditional
 * parameters in joint groups per condition (Optuna's `group=True`), and the constant liar. Continuous
 * kernels are true densities (`normalisedKernels`): with the narrow widths this setting allows, Optuna
 * 3.1's unnormalised form made the search bimodal across seeds (on the 5-d sphere, some runs stuck
 * near 1-4 while others reached 0.01); normalised, the median best is steady from seed set to seed set.
 *
 * @see https://arxiv.org/abs/2304.11127 (Watanabe 2023, "Tree-Structured Parzen Estimator:
 *   Understanding Its Algorithm Components and Their Roles for Better Empirical Performance", Table 3)
 * @see https://optuna.readthedocs.io/en/v3.1.0/reference/samplers/generated/optuna.samplers.TPESampler.html (`group`)
 */
export const DEFAULT_TPE_SETTINGS: TpeSettings = Object.freeze({
  ...OPTUNA_COMPATIBLE_SETTINGS,
  multivariate: true,
  group: true,
  multivariateBandwidth: "neighbours",
  considerEndpoints: true,
  minBandwidthFactor: 0.03,
  magicClipExponent: 2,
  gamma: linearGamma(0.15),
  belowWeighting: "ei",
  weights: uniformWeights,
  normalisedKernels: true,
});
