/**
 * Loss functions of the boosting estimators, by name. Each gives the initial raw prediction, the
 * negative gradient (residual) of every row, and the value a leaf gets from its rows (a Newton step
 * or a median, like scikit-learn's `_update_terminal_regions`).
 */
export interface RegressionLoss {
  /** The constant raw prediction before any tree. */
  init(y: Float64Array): number;
  /** Writes `-dL/dF` per row into `out`; `alpha` is huber's quantile. */
  negGradient(y: Float64Array, raw: Float64Array, out: Float64Array, state: LossState): void;
  /** The leaf value for the rows `rows[start..end)`. */
  leafValue(y: Float64Array, raw: Float64Array, residual: Float64Array, rows: Int32Array, start: number, end: number, state: LossState): number;
  /** Mean loss of raw predictions. */
  loss(y: Float64Array, raw: Float64Array, state: LossState): number;
}

/** Per-fit state of a loss (huber's current gamma). */
export interface LossState {
  alpha: number;
  gamma: number;
}

/** The median of `v[rows[start..end)]` (copies; for leaf values). */
export function medianOf(v: Float64Array, rows: Int32Array | null, start: number, end: number, shift?: Float64Array): number {
  const a = new Float64Array(end - start);
  for (let r = start; r < end; r++) {
    const i = rows ? rows[r]! : r;
    a[r - start] = v[i]! - (shift ? shift[i]! : 0);
  }
  return quantileSorted(a.sort(), 0.5);
}

function quantileSorted(a: Float64Array, q: number): number {
  if (a.length === 0) return 0;
  const pos = q * (a.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, a.length - 1);
  return a[lo]! + (a[hi]! - a[lo]!) * (pos - lo);
}

/** Regression losses of GradientBoostingRegressor. */
export const REGRESSION_LOSSES: Readonly<Record<"squared_error" | "absolute_error" | "huber", RegressionLoss>> = {
  squared_error: {
    init: (y) => y.reduce((a, b) => a + b, 0) / y.length,
    negGradient: (y, raw, out) => {
      for (let i = 0; i < y.length; i++) out[i] = y[i]! - raw[i]!;
    },
    leafValue: (_y, _raw, res, rows, start, end) => {
      let s = 0;
      for (let r = start; r < end; r++) s += res[rows[r]!]!;
      return end > start ? s / (end - start) : 0;
    },
    loss: (y, raw) => {
      let s = 0;
      for (let i = 0; i < y.length; i++) s += (y[i]! - raw[i]!) ** 2;
      return s / y.length;
    },
  },
  absolute_error: {
    init: (y) => medianOf(y, null, 0, y.length),
    negGradient: (y, raw, out) => {
      for (let i = 0; i < y.length; i++) out[i] = Math.sign(y[i]! - raw[i]!);
    },
    leafValue: (y, raw, _res, rows, start, end) => medianOf(y, rows, start, end, raw),
    loss: (y, raw) => {
      let s = 0;
      for (let i = 0; i < y.length; i++) s += Math.abs(y[i]! - raw[i]!);
      return s / y.length;
    },
  },
  huber: {
    init: (y) => medianOf(y, null, 0, y.length),
    negGradient: (y, raw, out, st) => {
      const d = new Float64Array(y.length);
      for (let i = 0; i < y.length; i++) d[i] = Math.abs(y[i]! - raw[i]!);
      st.gamma = quantileSorted(d.sort(), st.alpha);
      for (let i = 0; i < y.length; i++) {
        const r = y[i]! - raw[i]!;
        out[i] = Math.abs(r) <= st.gamma ? r : st.gamma * Math.sign(r);
      }
    },
    leafValue: (y, raw, _res, rows, start, end, st) => {
      const med = medianOf(y, rows, start, end, raw);
      let s = 0;
      for (let r = start; r < end; r++) {
        const i = rows[r]!;
        const d = y[i]! - raw[i]! - med;
        s += Math.sign(d) * Math.min(st.gamma, Math.abs(d));
      }
      return med + (end > start ? s / (end - start) : 0);
    },
    loss: (y, raw, st) => {
      let s = 0;
      for (let i = 0; i < y.length; i++) {
        const r = Math.abs(y[i]! - raw[i]!);
        s += r <= st.gamma ? 0.5 * r * r : st.gamma * (r - 0.5 * st.gamma);
      }
      return s / y.length;
    },
  },
};

/** In place: each row of `raw` (rows x k) becomes softmax probabilities. */
export function softmaxRows(raw: Float64Array, k: number): void {
  for (let o = 0; o < raw.length; o += k) {
    let m = -Infinity;
    for (let c = 0; c < k; c++) if (raw[o + c]! > m) m = raw[o + c]!;
    let s = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(raw[o + c]! - m);
      raw[o + c] = e;
      s += e;
    }
    for (let c = 0; c < k; c++) raw[o + c]! /= s;
  }
}

/** The logistic function. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Probabilities (rows x k) from raw scores: one column of log-odds for two classes, else softmax.
 * @param raw rows x (k === 2 ? 1 : k).
 */
export function rawToProba(raw: Float64Array, rows: number, k: number): Float64Array {
  if (k === 2) {
    const out = new Float64Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      const p = sigmoid(raw[i]!);
      out[2 * i] = 1 - p;
      out[2 * i + 1] = p;
    }
    return out;
  }
  const out = Float64Array.from(raw);
  softmaxRows(out, k);
  return out;
}

/** Initial raw scores of a classifier: log-odds of the prior (2 classes) or log priors. */
export function classPriorRaw(y: Float64Array, k: number): Float64Array {
  const count = new Float64Array(k);
  for (let i = 0; i < y.length; i++) count[y[i]!]! += 1;
  const eps = 1e-12;
  if (k === 2) {
    const p = Math.min(Math.max(count[1]! / y.length, eps), 1 - eps);
    return Float64Array.of(Math.log(p / (1 - p)));
  }
  return count.map((c) => Math.log(Math.max(c / y.length, eps)));
}

/**
 * Mean log loss of raw scores (rows x cols, cols = 1 for two classes), computed stably from the raw
 * scores (log-sum-exp), not clipped: a confident mistake costs its full margin, as in scikit-learn.
 */
export function logLoss(y: Float64Array, raw: Float64Array, k: number): number {
  let s = 0;
  if (k === 2) {
    for (let i = 0; i < y.length; i++) {
      const z = y[i] === 1 ? -raw[i]! : raw[i]!; // loss = log(1 + exp(z))
      s += z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    }
    return s / y.length;
  }
  for (let i = 0; i < y.length; i++) {
    const o = i * k;
    let m = -Infinity;
    for (let c = 0; c < k; c++) if (raw[o + c]! > m) m = raw[o + c]!;
    let e = 0;
    for (let c = 0; c < k; c++) e += Math.exp(raw[o + c]! - m);
    s += m + Math.log(e) - raw[o + y[i]!]!;
  }
  return s / y.length;
}
