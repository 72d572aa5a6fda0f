/**
 * XGBoost's leaf regularization, in the grower's sign convention (G is the sum of NEGATIVE
 * gradients, H the sum of hessians). See XGBoost's `src/tree/param.h` (`ThresholdL1`,
 * `CalcWeight`, `CalcGainGivenWeight`) and https://xgboost.readthedocs.io/en/stable/tutorials/model.html
 */
export interface LeafRegularization {
  /** L2 penalty λ (reg_lambda). */
  readonly l2: number;
  /** L1 penalty α (reg_alpha). */
  readonly alpha: number;
  /** Largest absolute leaf weight (max_delta_step); 0 for no limit. */
  readonly maxDeltaStep: number;
  /** A node whose hessian sum is below this gets weight 0 (min_child_weight). */
  readonly minChildWeight: number;
}

/** `g` moved towards 0 by `alpha`, and 0 where |g| <= alpha (soft thresholding). */
export function thresholdL1(g: number, alpha: number): number {
  if (g > alpha) return g - alpha;
  if (g < -alpha) return g + alpha;
  return 0;
}

/**
 * The leaf weight ThresholdL1(G, α) / (H + λ), clipped to ±max_delta_step when that is not 0; 0
 * when H <= 0 or H < min_child_weight.
 */
export function regularizedWeight(G: number, H: number, r: LeafRegularization): number {
  if (H <= 0 || H < r.minChildWeight) return 0;
  const d = H + r.l2;
  const w = thresholdL1(G, r.alpha) / d;
  const m = r.maxDeltaStep;
  return m !== 0 && Math.abs(w) > m ? Math.sign(w) * m : w;
}

/**
 * Twice the loss decrease of a node's weight, higher is better (XGBoost's CalcGain, without the ½,
 * as XGBoost compares it to gamma): ThresholdL1(G, α)² / (H + λ), or with a max_delta_step the
 * decrease at the clipped weight w, 2 G w − (H + λ) w². 0 for an empty node (H <= 0).
 */
export function regularizedGain(G: number, H: number, r: LeafRegularization): number {
  if (H <= 0) return 0;
  if (r.maxDeltaStep === 0) {
    const t = thresholdL1(G, r.alpha);
    return (t * t) / (H + r.l2);
  }
  const w = regularizedWeight(G, H, r);
  return 2 * G * w - (H + r.l2) * w * w;
}
