import type { EstimatorState } from "../core/estimator";
import { bool, defineParams, float } from "../core/hyperparams";
import { gram, solveSpd } from "./cholesky";
import { LinearRegressor, type Centred } from "./linear-regressor";

/** Ridge's hyperparameters (scikit-learn's names and defaults). */
export const ridgeParams = defineParams({
  alpha: float({ default: 1.0, min: 0, description: "L2 regularisation strength: minimises ||y - Xw||^2 + alpha ||w||^2." }),
  fit_intercept: bool({ default: true, description: "Whether to learn an intercept (not penalised)." }),
});

/** Ridge's validated hyperparameters. */
export type RidgeParams = ReturnType<typeof ridgeParams.parse>;

/**
 * Least squares with an L2 penalty, solved exactly: (X^T X + alpha I) w = X^T y by float64
 * Cholesky (scikit-learn's "cholesky" solver).
 * See https://scikit-learn.org/stable/modules/linear_model.html#ridge-regression.
 */
export class Ridge extends LinearRegressor<RidgeParams> {
  readonly algorithm = "Ridge";
  static readonly paramSchema = ridgeParams;

  constructor(params: RidgeParams = ridgeParams.defaults) {
    super(params);
  }

  protected parse(params: RidgeParams): RidgeParams {
    return ridgeParams.parse(params);
  }

  protected solve({ X, y, n, d }: Centred, p: RidgeParams): { coef: Float64Array; nIter: number } {
    const { XtX, Xty } = gram(X, y, n, d);
    for (let j = 0; j < d; j++) XtX[j * d + j]! += p.alpha;
    return { coef: solveSpd(XtX, Xty, d), nIter: 1 };
  }

  /** Rebuilds a fitted model from `toState()`. */
  static fromState(state: EstimatorState): Ridge {
    return new Ridge(ridgeParams.parse(state.params)).load(state);
  }
}
