import * as tf from "@tensorflow/tfjs";

/** A hidden-layer activation: the tfjs op for training and the float64 function for predict. */
export interface Activation {
  readonly tensor: (x: tf.Tensor) => tf.Tensor;
  readonly scalar: (x: number) => number;
  /** scikit-learn's Glorot factor: 2 for logistic, 6 otherwise. */
  readonly glorotFactor: number;
}

/** The activations MLPClassifier and MLPRegressor offer (scikit-learn's names). */
export const ACTIVATIONS: { readonly [name in "identity" | "logistic" | "tanh" | "relu"]: Activation } = {
  identity: { tensor: (x) => x, scalar: (x) => x, glorotFactor: 6 },
  logistic: { tensor: (x) => tf.sigmoid(x), scalar: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))), glorotFactor: 2 },
  tanh: { tensor: (x) => tf.tanh(x), scalar: Math.tanh, glorotFactor: 6 },
  relu: { tensor: (x) => tf.relu(x), scalar: (x) => (x > 0 ? x : 0), glorotFactor: 6 },
};
