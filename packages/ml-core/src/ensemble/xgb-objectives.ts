import { ExpBuffer, logisticGradients } from "./exp-buffer";
import { logLoss } from "./losses";

/**
 * An XGBoost learning objective: the base margin, per-row negative gradients and hessians of one
 * output column, and the default evaluation metric used for early stopping (lower is better).
 * See https://xgboost.readthedocs.io/en/stable/parameter.html#learning-task-parameters
 */
export interface XgbObjective {
  /** Raw output columns: 1, or one per class for multi:softprob. */
  readonly cols: number;
  /** The margin every row starts from (base_score on the margin scale). */
  readonly baseMargin: number;
  /** Called once per round, before `gradients`, with the raw scores (rows x cols). */
  prepare(raw: Float64Array): void;
  /** Negative gradient `g` and hessian `h` of column `c`; returns false when every hessian is 1 (h left unwritten). */
  gradients(y: Float64Array, raw: Float64Array, c: number, g: Float64Array, h: Float64Array): boolean;
  /** The default eval_metric (logloss, mlogloss or rmse) of raw scores. */
  metric(y: Float64Array, raw: Float64Array): number;
  /**
   * multi:softprob: `prepare` takes softmaxRows of the raw scores and `gradients` gives
   * softprobColumn's numbers from them, which a RoundTeam can compute itself.
   */
  readonly softprob?: boolean;
}

/** XGBoost's floor on hessians (kRtEps-like 1e-16 in its objectives). */
const MIN_HESS = 1e-16;

/**
 * binary:logistic: margin = log-odds, g = p − y and h = max(p (1 − p), 1e-16), both times
 * scale_pos_weight for positive rows. base_score is a probability.
 */
export function binaryLogistic(baseScore: number, scalePosWeight: number): XgbObjective {
  let e: ExpBuffer | undefined;
  return {
    cols: 1,
    baseMargin: Math.log(baseScore / (1 - baseScore)),
    prepare: () => {},
    gradients: (y, raw, _c, g, h) => {
      e = logisticGradients(e, y, raw, scalePosWeight, g, h);
      return true;
    },
    metric: (y, raw) => logLoss(y, raw, 2),
  };
}

/**
 * multi:softprob's gradients of class c from the probabilities `prob` (rows x k):
 * g = [y = c] − p and h = max(2 p (1 − p), 1e-16).
 */
export function softprobColumn(prob: Float64Array, y: Float64Array, k: number, c: number, g: Float64Array, h: Float64Array): void {
  for (let i = 0; i < y.length; i++) {
    const p = prob[i * k + c]!;
    g[i] = (y[i] === c ? 1 : 0) - p;
    h[i] = Math.max(2 * p * (1 - p), MIN_HESS);
  }
}

/**
 * multi:softprob over k > 2 classes: softmax of k margins, g = p_c − [y = c] and
 * h = max(2 p_c (1 − p_c), 1e-16) (XGBoost's factor 2). base_score is added to every margin.
 */
export function multiSoftprob(k: number, n: number, baseScore: number): XgbObjective {
  const e = new ExpBuffer(n * k, n);
  const prob = e.values;
  return {
    cols: k,
    baseMargin: baseScore,
    prepare: (raw) => e.softmax(raw, k),
    gradients: (y, _raw, c, g, h) => {
      if (!e.softprobGradients(y, k, c, g, h)) softprobColumn(prob, y, k, c, g, h);
      return true;
    },
    metric: (y, raw) => logLoss(y, raw, k),
    softprob: true,
  };
}

/** reg:squarederror: g = y − margin, h = 1; base_score is the starting prediction; metric RMSE. */
export function squaredError(baseScore: number): XgbObjective {
  return {
    cols: 1,
    baseMargin: baseScore,
    prepare: () => {},
    gradients: (y, raw, _c, g) => {
      for (let i = 0; i < y.length; i++) g[i] = y[i]! - raw[i]!;
      return false;
    },
    metric: (y, raw) => {
      let s = 0;
      for (let i = 0; i < y.length; i++) s += (y[i]! - raw[i]!) ** 2;
      return Math.sqrt(s / y.length);
    },
  };
}
