import type { EstimatorState } from "../core/estimator";
import { bool, defineParams } from "../core/hyperparams";
import { gram, solveSpd } from "./cholesky";
import { LinearRegressor, type Centred } from "./linear-regressor";

/** LinearRegression's hyperparameters (scikit-learn's names and defaults). */
export const linearRegressionParams = defineParams({
  fit_intercept: bool({ default: true, description: "Whether to learn an intercept." }),
});

/** LinearRegression's validated hyperparameters. */
export type LinearRegressionParams = ReturnType<typeof linearRegressionParams.parse>;

/**
 * Ordinary least squares, solved exactly through the normal equations (X^T X) w = X^T y with a
 * float64 Cholesky factorisation; collinear columns get coefficient 0.
 * See https://scikit-learn.org/stable/modules/linear_model.html#ordinary-least-squares.
 */
export class LinearRegression extends LinearRegressor<LinearRegressionParams> {
  readonly algorithm = "LinearRegression";
  static readonly paramSchema = linearRegressionParams;

  constructor(params: LinearRegressionParams = linearRegressionParams.defaults) {
    super(params);
  }

  protected parse(params: LinearRegressionParams): LinearRegressionParams {
    return linearRegressionParams.parse(params);
  }

  protected solve({ X, y, n, d }: Centred): { coef: Float64Array; nIter: number } {
    const { XtX, Xty } = gram(X, y, n, d);
    return { coef: solveSpd(XtX, Xty, d), nIter: 1 };
  }

  /** Rebuilds a fitted model from `toState()`. */
  static fromState(state: EstimatorState): LinearRegression {
    return new LinearRegression(linearRegressionParams.parse(state.params)).load(state);
  }
}
