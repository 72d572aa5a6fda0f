import type { HistTeam } from "../tree/hist-team";
import { logisticGradients, LogisticPairs, type ExpBuffer } from "./exp-buffer";
import { logLoss } from "./losses";
import { SoftprobGradients } from "./softprob-gradients";

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
  /** Called once per round, before `gradients`, with the labels and the raw scores (column c's rows at c rows). */
  prepare(y: Float64Array, raw: Float64Array): void;
  /** Negative gradient `g` and hessian `h` of column `c`; returns false when every hessian is 1 (h left unwritten). */
  gradients(y: Float64Array, raw: Float64Array, c: number, g: Float64Array, h: Float64Array): boolean;
  /** The default eval_metric (logloss, mlogloss or rmse) of raw scores, rows x cols. */
  metric(y: Float64Array, raw: Float64Array): number;
  /** multi:softprob: its numbers are SoftprobGradients's, which a RoundTeam computes itself. */
  readonly softprob?: boolean;
  /**
   * binary:logistic: its gradients written into a HistTeam's pairs for trees of every row (see
   * LogisticPairs), by `on` a team made with `values(n)` values.
   */
  readonly teamPairs?: { values(n: number): number; on(team: HistTeam, y: Float64Array): LogisticPairs | undefined };
}

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
    teamPairs: { values: (n) => LogisticPairs.valuesFor(n), on: (team, y) => LogisticPairs.on(team, y, scalePosWeight) },
  };
}

/**
 * multi:softprob over k > 2 classes: softmax of k margins, g = p_c − [y = c] and
 * h = max(2 p_c (1 − p_c), 1e-16) (XGBoost's factor 2). base_score is added to every margin.
 */
export function multiSoftprob(k: number, n: number, baseScore: number): XgbObjective {
  const numbers = new SoftprobGradients(n, k);
  let labels: Float64Array | undefined;
  return {
    cols: k,
    baseMargin: baseScore,
    prepare: (y, raw) => {
      if (labels !== y) numbers.y.set((labels = y));
      numbers.raw.set(raw);
      numbers.compute();
    },
    gradients: (_y, _raw, c, g, h) => {
      g.set(numbers.g.subarray(c * n, (c + 1) * n));
      h.set(numbers.h.subarray(c * n, (c + 1) * n));
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
