/**
 * The TPE sampler (after Optuna's `optuna/samplers/_tpe/`): `ask` suggests the next trial's
 * parameters from the study's history. Pure and synchronous; randomness only from the given `Rng`.
 */
export { ask, orderParams, InvalidSearchSpaceError, type ParamValue, type TrialState, type TrialRecord } from "./sampler";
export { DEFAULT_TPE_SETTINGS, OPTUNA_COMPATIBLE_SETTINGS, defaultGamma, defaultWeights, linearGamma, uniformWeights, type TpeSettings } from "./settings";
export { ParzenEstimator, type ParzenEstimatorParams } from "./parzen-estimator";
