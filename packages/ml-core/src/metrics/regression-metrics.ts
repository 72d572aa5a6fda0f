/** Error measures of one regression. */
export interface RegressionScores {
  mse: number;
  rmse: number;
  mae: number;
  r2: number;
}

/**
 * Mean squared error, its root, mean absolute error and R² (scikit-learn's `r2_score`: 1 for a
 * perfect fit of a constant target, 0 for an imperfect one).
 * See https://scikit-learn.org/stable/modules/model_evaluation.html#regression-metrics
 */
export function regressionMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): RegressionScores {
  const n = yTrue.length;
  if (yPred.length !== n) throw new RangeError(`yTrue has ${n} values but yPred has ${yPred.length}.`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i]!;
  mean /= n;
  let sse = 0;
  let sae = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    const e = yTrue[i]! - yPred[i]!;
    sse += e * e;
    sae += Math.abs(e);
    sst += (yTrue[i]! - mean) ** 2;
  }
  const mse = sse / n;
  const r2 = sst > 0 ? 1 - sse / sst : sse === 0 ? 1 : 0;
  return { mse, rmse: Math.sqrt(mse), mae: sae / n, r2 };
}
