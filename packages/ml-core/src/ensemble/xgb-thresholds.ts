import type { Matrix } from "../core/matrix";
import type { BinnedData } from "../tree/binner";
import type { TreeArrays } from "../tree/flat-tree";

/**
 * XGBoost's split condition is `x < cut`, the cut being the lowest value of the bins on the right;
 * ours is `x <= threshold`. Moving each threshold from the bin edge (a midpoint) to just below the
 * right side's smallest training value routes every training row the same way and unseen values in
 * between as XGBoost does (to the right).
 */
export class XgbThresholds {
  /** Per feature, the ascending smallest training value of each non-empty bin. */
  private readonly lows: Float64Array[];

  constructor(X: Matrix, data: BinnedData) {
    const { codes, rows: n, cols: F, nBins } = data;
    this.lows = [];
    for (let f = 0; f < F; f++) {
      const low = new Float64Array(nBins[f]!).fill(Infinity);
      for (let i = 0; i < n; i++) {
        const b = codes[f * n + i]!;
        const x = X.data[i * F + f]!;
        if (b < low.length && x < low[b]!) low[b] = x;
      }
      this.lows.push(low.filter((v) => v !== Infinity));
    }
  }

  /** Moves the thresholds of `tree`'s splits in place. */
  snap(tree: TreeArrays): void {
    const { feature, threshold } = tree;
    for (let node = 0; node < feature.length; node++) {
      const f = feature[node]!;
      if (f < 0 || threshold[node] === Infinity) continue;
      const above = firstAbove(this.lows[f]!, threshold[node]!);
      if (above !== undefined) threshold[node] = nextDown(above);
    }
  }
}

/** The first value of ascending `a` above `t`. */
function firstAbove(a: Float64Array, t: number): number | undefined {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! > t) hi = mid;
    else lo = mid + 1;
  }
  return lo < a.length ? a[lo] : undefined;
}

const box = new Float64Array(1);
const bits = new BigInt64Array(box.buffer);

/** The largest double below finite `x`. */
export function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  box[0] = x;
  bits[0] = x > 0 ? bits[0]! - 1n : bits[0]! + 1n;
  return box[0]!;
}
