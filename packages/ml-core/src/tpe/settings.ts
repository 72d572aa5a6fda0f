/**
 * Settings of the TPE sampler, with Optuna 3.x's defaults, and its two strategy functions.
 */

/** How many of the `n` finished trials form the "below" (good) group l(x): min(ceil(0.1 n), 25). */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
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
  /** Bounds kernel widths below by range / min(100, n + 1). Default true. */
  readonly considerMagicClip: boolean;
  /** Lets the bounds of the range widen the first and last kernels. Default false. */
  readonly considerEndpoints: boolean;
  /** Joint kernels over all unconditional parameters (Optuna's `multivariate=True`). Default false. */
  readonly multivariate: boolean;
  /** Running trials count as the worst observations, so parallel asks spread out. Default true. */
  readonly constantLiar: boolean;
  /** Size of the below group given the number of finished trials. Default `defaultGamma`. */
  readonly gamma: (n: number) => number;
  /** Weights of n observations, oldest first. Default `defaultWeights`. */
  readonly weights: (n: number) => Float64Array;
}

/** Optuna 3.x's defaults, except `constantLiar` (true here: trials run in parallel workers). */
export const DEFAULT_TPE_SETTINGS: TpeSettings = Object.freeze({
  direction: "minimize",
  nStartupTrials: 10,
  nEiCandidates: 24,
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  multivariate: false,
  constantLiar: true,
  gamma: defaultGamma,
  weights: defaultWeights,
});
