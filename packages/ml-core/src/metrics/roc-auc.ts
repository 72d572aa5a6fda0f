import type { Matrix } from "../core/matrix";

/**
 * Area under the ROC curve of class probabilities. Binary (2 columns): the score of class 1.
 * More classes: the unweighted mean of one-vs-rest AUCs (scikit-learn `multi_class="ovr"`,
 * `average="macro"`), over the classes present in `yTrue`. NaN when `yTrue` holds one class.
 * See https://scikit-learn.org/stable/modules/generated/sklearn.metrics.roc_auc_score.html
 */
export function rocAuc(yTrue: ArrayLike<number>, proba: Matrix): number {
  if (proba.rows !== yTrue.length) throw new RangeError(`yTrue has ${yTrue.length} values but proba has ${proba.rows} rows.`);
  if (proba.cols < 2) throw new RangeError(`rocAuc needs at least 2 probability columns, but got ${proba.cols}.`);
  const column = (c: number): Float64Array => {
    const out = new Float64Array(proba.rows);
    for (let i = 0; i < proba.rows; i++) out[i] = proba.data[i * proba.cols + c]!;
    return out;
  };
  if (proba.cols === 2) return binaryAuc(yTrue, column(1), 1);
  const aucs: number[] = [];
  for (let c = 0; c < proba.cols; c++) {
    const auc = binaryAuc(yTrue, column(c), c);
    if (!Number.isNaN(auc)) aucs.push(auc);
  }
  return aucs.length ? aucs.reduce((a, b) => a + b, 0) / aucs.length : NaN;
}

/**
 * AUC of `scores` for rows of class `positive` against all others, via the Mann-Whitney U
 * statistic with average ranks for ties (equal to the trapezoidal ROC area).
 */
export function binaryAuc(yTrue: ArrayLike<number>, scores: Float64Array, positive: number): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let nPos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) {
      if (yTrue[order[t]!] === positive) {
        nPos++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** The points of a binary ROC curve: false and true positive rates by decreasing threshold. */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** The score at or above which a row counts as positive; the first, above every score, is null. */
  thresholds: (number | null)[];
}

/**
 * The ROC curve of `scores` for rows of class `positive` against all others, as scikit-learn's
 * `roc_curve` (with `drop_intermediate=True`) computes it: one point per distinct score, then the
 * points on a straight segment dropped, with (0, 0) first.
 */
export function rocCurve(yTrue: ArrayLike<number>, scores: Float64Array, positive: number): RocCurve {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const tps: number[] = [];
  const fps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  for (let i = 0; i < n; i++) {
    if (yTrue[order[i]!] === positive) tp++;
    const score = scores[order[i]!]!;
    if (i === n - 1 || scores[order[i + 1]!] !== score) {
      tps.push(tp);
      fps.push(i + 1 - tp);
      thresholds.push(score);
    }
  }
  const keep = tps.map((_, k) => k === 0 || k === tps.length - 1 || fps[k + 1]! - 2 * fps[k]! + fps[k - 1]! !== 0 || tps[k + 1]! - 2 * tps[k]! + tps[k - 1]! !== 0);
  const pick = <T>(xs: T[]) => xs.filter((_, k) => keep[k]);
  const [t, f] = [[0, ...pick(tps)], [0, ...pick(fps)]];
  const positives = t[t.length - 1]!;
  const negatives = f[f.length - 1]!;
  return { fpr: f.map((v) => v / negatives), tpr: t.map((v) => v / positives), thresholds: [null, ...pick(thresholds)] };
}
