import type { EstimatorState, FitOptions } from "../core/estimator";
import { bool, defineParams, float, int } from "../core/hyperparams";
import { enetCoordinateDescent } from "./coordinate-descent";
import { LinearRegressor, type Centred } from "./linear-regressor";

const common = {
  alpha: float({ default: 1.0, min: 0, description: "Penalty strength multiplying the L1 (and L2) terms." }),
  fit_intercept: bool({ default: true, description: "Whether to learn an intercept (not penalised)." }),
  max_iter: int({ default: 1000, min: 1, description: "Most coordinate-descent sweeps." }),
  tol: float({ default: 1e-4, min: 0, description: "Stop when the duality gap falls below tol * ||y||^2." }),
};

/** ElasticNet's hyperparameters (scikit-learn's names and defaults). */
export const elasticNetParams = defineParams({
  ...common,
  l1_ratio: float({ default: 0.5, min: 0, max: 1, description: "Mixing: 1 is the lasso, 0 is ridge." }),
});

/** Lasso's hyperparameters (scikit-learn's names and defaults). */
export const lassoParams = defineParams(common);

/** ElasticNet's validated hyperparameters. */
export type ElasticNetParams = ReturnType<typeof elasticNetParams.parse>;
/** Lasso's validated hyperparameters. */
export type LassoParams = ReturnType<typeof lassoParams.parse>;

/**
 * Linear regression with combined L1 and L2 penalties,
 *   (1 / 2n) ||y - Xw||^2 + alpha l1_ratio ||w||_1 + (alpha (1 - l1_ratio) / 2) ||w||^2,
 * fitted by cyclic coordinate descent with a duality-gap stop, like scikit-learn.
 * See https://scikit-learn.org/stable/modules/linear_model.html#elastic-net.
 */
export class ElasticNet extends LinearRegressor<ElasticNetParams> {
  readonly algorithm: string = "ElasticNet";
  static readonly paramSchema = elasticNetParams;

  constructor(params: ElasticNetParams = elasticNetParams.defaults) {
    super(params);
  }

  protected parse(params: ElasticNetParams): ElasticNetParams {
    return elasticNetParams.parse(params);
  }

  protected solve({ X, y, n, d }: Centred, p: ElasticNetParams, options: FitOptions): { coef: Float64Array; nIter: number } {
    return enetCoordinateDescent(X, y, n, d, {
      l1: p.alpha * p.l1_ratio,
      l2: p.alpha * (1 - p.l1_ratio),
      maxIter: p.max_iter,
      tol: p.tol,
      onIteration: options.onProgress && ((it) => options.onProgress!(it, p.max_iter)),
    });
  }

  /** Rebuilds a fitted model from `toState()`. */
  static fromState(state: EstimatorState): ElasticNet {
    return new ElasticNet(elasticNetParams.parse(state.params)).load(state);
  }
}

/**
 * Linear regression with an L1 penalty, (1 / 2n) ||y - Xw||^2 + alpha ||w||_1: the elastic net
 * with l1_ratio 1. See https://scikit-learn.org/stable/modules/linear_model.html#lasso.
 */
export class Lasso extends LinearRegressor<LassoParams> {
  readonly algorithm = "Lasso";
  static readonly paramSchema = lassoParams;

  constructor(params: LassoParams = lassoParams.defaults) {
    super(params);
  }

  protected parse(params: LassoParams): LassoParams {
    return lassoParams.parse(params);
  }

  protected solve({ X, y, n, d }: Centred, p: LassoParams, options: FitOptions): { coef: Float64Array; nIter: number } {
    return enetCoordinateDescent(X, y, n, d, {
      l1: p.alpha,
      l2: 0,
      maxIter: p.max_iter,
      tol: p.tol,
      onIteration: options.onProgress && ((it) => options.onProgress!(it, p.max_iter)),
    });
  }

  /** Rebuilds a fitted model from `toState()`. */
  static fromState(state: EstimatorState): Lasso {
    return new Lasso(lassoParams.parse(state.params)).load(state);
  }
}
