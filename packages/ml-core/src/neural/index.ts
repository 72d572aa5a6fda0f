export { MLPClassifier, MLPRegressor, mlpParams, type MlpParams } from "./mlp";
export { ACTIVATIONS } from "./activations";
export { NEURAL_ALGORITHMS } from "./specs";
