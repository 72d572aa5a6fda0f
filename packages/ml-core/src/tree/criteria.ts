/** Scores of a set of child statistics, higher is better; the gain of a split is L + R - parent. */
export type Score = (s: Float64Array, o: number, k: number, l2: number) => number;

/** Split criteria by name: one score function each. */
export const CRITERIA: Readonly<Record<"gini" | "entropy" | "grad", Score>> = {
  /** Sum of squared class weights over total weight: W - W * gini. */
  gini: (s, o, k) => {
    let w = 0, q = 0;
    for (let c = 0; c < k; c++) {
      const v = s[o + c]!;
      w += v;
      q += v * v;
    }
    return w > 0 ? q / w : 0;
  },
  /** Minus the weighted entropy: sum c log c - W log W. */
  entropy: (s, o, k) => {
    let w = 0, q = 0;
    for (let c = 0; c < k; c++) {
      const v = s[o + c]!;
      if (v > 0) q += v * Math.log(v);
      w += v;
    }
    return w > 0 ? q - w * Math.log(w) : 0;
  },
  /** G^2 / (H + l2): the loss decrease of a Newton step, also the SSE decrease when g = w y, h = w. */
  grad: (s, o, _k, l2) => {
    const g = s[o]!, h = s[o + 1]! + l2;
    return h > 0 ? (g * g) / h : 0;
  },
};
