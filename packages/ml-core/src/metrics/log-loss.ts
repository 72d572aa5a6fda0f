import type { Matrix } from "../core/matrix";

/**
 * Mean negative log-likelihood of the true classes under `proba` (rows x classes), as
 * scikit-learn's `log_loss` with `eps="auto"`: probabilities are clipped to
 * [eps, 1 - eps] (eps = 2.22e-16) and each row renormalised.
 * See https://scikit-learn.org/stable/modules/generated/sklearn.metrics.log_loss.html
 */
export function logLoss(yTrue: ArrayLike<number>, proba: Matrix): number {
  if (proba.rows !== yTrue.length) throw new RangeError(`yTrue has ${yTrue.length} values but proba has ${proba.rows} rows.`);
  const eps = Number.EPSILON;
  let total = 0;
  for (let i = 0; i < proba.rows; i++) {
    let sum = 0;
    for (let c = 0; c < proba.cols; c++) sum += clip(proba.data[i * proba.cols + c]!, eps);
    const y = yTrue[i]!;
    if (!(y >= 0 && y < proba.cols)) throw new RangeError(`row ${i} holds class ${y}, outside 0..${proba.cols - 1}.`);
    total -= Math.log(clip(proba.data[i * proba.cols + y]!, eps) / sum);
  }
  return total / proba.rows;
}

function clip(p: number, eps: number): number {
  return p < eps ? eps : p > 1 - eps ? 1 - eps : p;
}
