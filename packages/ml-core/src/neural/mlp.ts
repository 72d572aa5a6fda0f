import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { fitAllStages, isStageEnd, type EstimatorState, type FitOptions, type FitShape, type ModelSize, type StagedEstimator, type Task } from "../core/estimator";
import type { Matrix } from "../core/matrix";
import { DataError, NotFittedError } from "../core/errors";
import { bool, custom, defineParams, float, int, oneOf } from "../core/hyperparams";
import { Rng } from "../core/rng";
import { initBackend } from "../backend";
import { checkCols, checkXy } from "../core/check-input";
import { classCounts, countClasses } from "../core/classes";
import { randomStateParam } from "../core/seed";
import { ACTIVATIONS } from "./activations";

/** The hyperparameters of MLPClassifier and MLPRegressor (scikit-learn's names and defaults). */
export const mlpParams = defineParams({
  hidden_layer_sizes: custom(z.array(z.number().int().min(1)).min(1).max(10), { type: "int_list", default: [100], description: "Units per hidden layer, e.g. [100] or [64, 32]." }),
  activation: oneOf(["identity", "logistic", "tanh", "relu"] as const, { default: "relu", description: "Hidden-layer activation." }),
  solver: oneOf(["adam"] as const, { default: "adam", description: "Optimiser; only adam is offered." }),
  alpha: float({ default: 1e-4, min: 0, description: "L2 penalty on the weights." }),
  batch_size: custom(z.union([z.literal("auto"), z.number().int().min(1)]), { type: "enum | int", values: ["auto"], default: "auto", description: "Minibatch size; auto is min(200, n_samples)." }),
  learning_rate_init: float({ default: 1e-3, min: 0, exclusiveMin: true, description: "Adam's step size." }),
  max_iter: int({ default: 200, min: 1, description: "Most epochs." }),
  shuffle: bool({ default: true, description: "Whether to shuffle the samples every epoch." }),
  tol: float({ default: 1e-4, min: 0, description: "Improvement of loss (or validation score) below which an epoch counts as no improvement." }),
  early_stopping: bool({ default: false, description: "Hold out validation_fraction of the data and stop when its score stops improving." }),
  validation_fraction: float({ default: 0.1, min: 0, max: 1, exclusiveMin: true, description: "Share held out for early stopping." }),
  n_iter_no_change: int({ default: 10, min: 1, description: "Epochs without improvement before stopping." }),
  beta_1: float({ default: 0.9, min: 0, max: 0.999999, description: "Adam's first-moment decay." }),
  beta_2: float({ default: 0.999, min: 0, max: 0.999999, description: "Adam's second-moment decay." }),
  epsilon: float({ default: 1e-8, min: 0, exclusiveMin: true, description: "Adam's numerical stabiliser." }),
  random_state: randomStateParam("Seed of the weight initialisation and shuffling (null means seed 0)."),
});

/** The validated hyperparameters of the MLPs. */
export type MlpParams = ReturnType<typeof mlpParams.parse>;

/**
 * The units of each layer of an MLP, input to output: the input features, the hidden layers,
 * then one output for regression and for two classes (a logistic unit), else one per class.
 * @param shape input features and classes; classes unknown count as two.
 */
export function mlpLayerSizes(task: Task, hidden: readonly number[], shape: FitShape): number[] {
  const nc = shape.nClasses ?? 2;
  return [shape.nFeatures, ...hidden, task === "classification" && nc > 2 ? nc : 1];
}

/** The weights and biases an MLP learns: the `ModelSize` of both MLP specs, per task. */
export function mlpModelSize(task: Task): ModelSize<MlpParams> {
  return {
    param: "hidden_layer_sizes",
    unit: "weights",
    count: (params, shape) => {
      const sizes = mlpLayerSizes(task, params.hidden_layer_sizes, shape);
      let n = 0;
      for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l]! * sizes[l + 1]! + sizes[l + 1]!;
      return n;
    },
  };
}

/** What an MLP learns, all plain float64 arrays. */
interface Layers {
  /** Weights per layer, fanIn x fanOut row-major. */
  readonly weights: Float64Array[];
  readonly biases: Float64Array[];
  readonly sizes: number[];
}

/**
 * A multi-layer perceptron after scikit-learn's MLPClassifier/MLPRegressor, trained with
 * TensorFlow.js (float32, on the backend `initBackend` chose) by a custom minibatch loop with
 * Adam: seeded Glorot-uniform initialisation from `Rng` like scikit-learn, L2 penalty
 * alpha / (2 n_batch) ||W||^2, sklearn's stopping rules (loss plateau or early stopping on a
 * validation score). After fit the weights are float64 arrays and no tensor is kept; predict
 * is a plain JS forward pass.
 * See https://scikit-learn.org/stable/modules/neural_networks_supervised.html.
 */
abstract class Mlp implements StagedEstimator {
  abstract readonly algorithm: string;
  abstract readonly task: Task;
  layers_: Layers | undefined;
  nClasses_ = 0;
  nIter_ = 0;
  /** Mean training loss per epoch. */
  lossCurve_: number[] = [];

  constructor(readonly params: MlpParams = mlpParams.defaults) {}

  async fit(X: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    return fitAllStages(this.fitStages(X, y, Infinity, options));
  }

  /**
   * Fits in stages of `every` epochs (`StagedEstimator`): after each stage the model is the
   * weights so far (with early stopping, the best so far, as at the end). The training is `fit`'s,
   * so the model at the end is `fit`'s to the bit.
   */
  async *fitStages(X: Matrix, y: Float64Array, every: number, options: FitOptions = {}): AsyncGenerator<number, this, void> {
    const p = mlpParams.parse(this.params);
    checkXy(X, y);
    await initBackend();
    const rng = new Rng(p.random_state ?? 0);
    if (this.task === "classification") {
      const nc = countClasses(y, options.nClasses);
      if (classCounts(y, nc).filter((c) => c > 0).length < 2) throw new DataError("SINGLE_CLASS", `${this.algorithm} needs samples of at least 2 classes, but y holds only one.`);
      this.nClasses_ = nc;
    }
    const sizes = mlpLayerSizes(this.task, p.hidden_layer_sizes, { nFeatures: X.cols, nClasses: this.nClasses_ });
    const k = sizes[sizes.length - 1]!;
    const act = ACTIVATIONS[p.activation];
    // sklearn: Glorot uniform with factor 6 (2 for logistic), weights then bias per layer
    const init: Layers = { weights: [], biases: [], sizes };
    for (let l = 0; l + 1 < sizes.length; l++) {
      const fanIn = sizes[l]!;
      const fanOut = sizes[l + 1]!;
      const bound = Math.sqrt(act.glorotFactor / (fanIn + fanOut));
      init.weights.push(Float64Array.from({ length: fanIn * fanOut }, () => rng.uniform(-bound, bound)));
      init.biases.push(Float64Array.from({ length: fanOut }, () => rng.uniform(-bound, bound)));
    }
    let trainIdx = Int32Array.from({ length: X.rows }, (_, i) => i);
    let validIdx = new Int32Array(0);
    if (p.early_stopping) {
      const perm = rng.permutation(X.rows);
      const nValid = Math.max(1, Math.floor(p.validation_fraction * X.rows));
      validIdx = perm.slice(0, nValid);
      trainIdx = perm.slice(nValid);
    }
    const n = trainIdx.length;
    const batch = Math.min(p.batch_size === "auto" ? 200 : p.batch_size, n);
    const Xt = tf.tensor2d(Float32Array.from(X.data), [X.rows, X.cols]);
    const Yt = tf.tidy(() => (this.task === "classification" && k > 1 ? tf.oneHot(tf.tensor1d(Int32Array.from(y), "int32"), k).toFloat() : tf.tensor2d(Float32Array.from(y), [y.length, 1])));
    const Wv = init.weights.map((w, l) => tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from(w), [sizes[l]!, sizes[l + 1]!]))));
    const bv = init.biases.map((b) => tf.tidy(() => tf.variable(tf.tensor1d(Float32Array.from(b)))));
    const vars = [...Wv, ...bv];
    const optimizer = tf.train.adam(p.learning_rate_init, p.beta_1, p.beta_2, p.epsilon);
    const outputLoss = this.task === "regression" ? squaredLoss : k === 1 ? binaryLogLoss : softmaxLogLoss;
    let best: Layers | undefined;
    let bestLoss = Infinity;
    let bestScore = -Infinity;
    let noImprove = 0;
    this.lossCurve_ = [];
    this.nIter_ = 0;
    try {
      for (let epoch = 1; epoch <= p.max_iter; epoch++) {
        const order = p.shuffle ? rng.shuffle(Int32Array.from(trainIdx)) : trainIdx;
        let epochLoss = 0;
        for (let start = 0; start < n; start += batch) {
          const idx = order.subarray(start, Math.min(start + batch, n));
          const m = idx.length;
          const lossValue = tf.tidy(() => {
            const it = tf.tensor1d(idx, "int32");
            const xb = tf.gather(Xt, it);
            const yb = tf.gather(Yt, it);
            const { value, grads } = tf.variableGrads(() => {
              let h: tf.Tensor = xb;
              for (let l = 0; l < Wv.length; l++) {
                h = tf.add(tf.matMul(h, Wv[l]!), bv[l]!);
                if (l < Wv.length - 1) h = act.tensor(h);
              }
              const penalty = tf.mul(tf.addN(Wv.map((w) => tf.sum(tf.square(w)))), p.alpha / (2 * m));
              return tf.add(outputLoss(h, yb), penalty) as tf.Scalar;
            }, vars);
            optimizer.applyGradients(grads as unknown as Parameters<typeof optimizer.applyGradients>[0]);
            return value;
          });
          epochLoss += (await lossValue.data())[0]! * m;
          lossValue.dispose();
        }
        epochLoss /= n;
        this.lossCurve_.push(epochLoss);
        this.nIter_ = epoch;
        options.onProgress?.(epoch, p.max_iter);
        if (p.early_stopping) {
          const snapshot = await readLayers(Wv, bv, sizes);
          this.layers_ = snapshot;
          const score = this.score(X, y, validIdx);
          if (score < bestScore + p.tol) noImprove++;
          else noImprove = 0;
          if (score > bestScore) {
            bestScore = score;
            best = snapshot;
          }
        } else {
          if (epochLoss > bestLoss - p.tol) noImprove++;
          else noImprove = 0;
          bestLoss = Math.min(bestLoss, epochLoss);
        }
        if (noImprove > p.n_iter_no_change) break;
        if (isStageEnd(epoch, every, p.max_iter)) {
          this.layers_ = p.early_stopping && best ? best : await readLayers(Wv, bv, sizes);
          yield epoch;
        }
      }
      this.layers_ = p.early_stopping && best ? best : await readLayers(Wv, bv, sizes);
    } finally {
      Xt.dispose();
      Yt.dispose();
      vars.forEach((v) => v.dispose());
      optimizer.dispose();
    }
    return this;
  }

  /** The network's raw outputs (before the output activation), rows x outputs, in float64. */
  protected forward(X: Matrix): Matrix {
    const layers = this.layers_;
    if (!layers) throw new NotFittedError(this.algorithm);
    checkCols(X, layers.sizes[0]!);
    const act = ACTIVATIONS[this.params.activation].scalar;
    let h = X.data;
    let width = X.cols;
    for (let l = 0; l < layers.weights.length; l++) {
      const W = layers.weights[l]!;
      const b = layers.biases[l]!;
      const out = layers.sizes[l + 1]!;
      const next = new Float64Array(X.rows * out);
      const last = l === layers.weights.length - 1;
      for (let i = 0; i < X.rows; i++) {
        const row = next.subarray(i * out, (i + 1) * out);
        row.set(b);
        for (let j = 0; j < width; j++) {
          const v = h[i * width + j]!;
          if (v === 0) continue;
          const wo = j * out;
          for (let o = 0; o < out; o++) row[o]! += v * W[wo + o]!;
        }
        if (!last) for (let o = 0; o < out; o++) row[o] = act(row[o]!);
      }
      h = next;
      width = out;
    }
    return { data: h, rows: X.rows, cols: width };
  }

  abstract predict(X: Matrix): Float64Array;

  /** Validation score for early stopping: accuracy or R^2 on the rows `idx`. */
  private score(X: Matrix, y: Float64Array, idx: Int32Array): number {
    const Xv = { data: new Float64Array(idx.length * X.cols), rows: idx.length, cols: X.cols };
    idx.forEach((i, r) => Xv.data.set(X.data.subarray(i * X.cols, (i + 1) * X.cols), r * X.cols));
    const pred = this.predict(Xv);
    if (this.task === "classification") return pred.reduce((a, v, r) => a + (v === y[idx[r]!] ? 1 : 0), 0) / idx.length;
    let mean = 0;
    idx.forEach((i) => (mean += y[i]! / idx.length));
    let ss = 0;
    let st = 0;
    idx.forEach((i, r) => {
      ss += (y[i]! - pred[r]!) ** 2;
      st += (y[i]! - mean) ** 2;
    });
    return st > 0 ? 1 - ss / st : -ss;
  }

  toState(): EstimatorState {
    const layers = this.layers_;
    if (!layers) throw new NotFittedError(this.algorithm);
    return {
      algorithm: this.algorithm,
      params: { ...this.params, hidden_layer_sizes: [...this.params.hidden_layer_sizes] },
      state: { weights: layers.weights, biases: layers.biases, sizes: layers.sizes, nClasses: this.nClasses_, nIter: this.nIter_ },
    };
  }

  /** Copies learned state saved by `toState` into this model and returns it. */
  load(state: EstimatorState): this {
    const s = state.state as { weights: Float64Array[]; biases: Float64Array[]; sizes: number[]; nClasses: number; nIter: number };
    this.layers_ = { weights: [...s.weights], biases: [...s.biases], sizes: [...s.sizes] };
    this.nClasses_ = s.nClasses;
    this.nIter_ = s.nIter;
    return this;
  }
}

/**
 * Multi-layer perceptron classifier (scikit-learn's MLPClassifier): logistic output for two
 * classes, softmax for more, cross-entropy loss.
 */
export class MLPClassifier extends Mlp {
  readonly algorithm = "MLPClassifier";
  readonly task = "classification";
  static readonly paramSchema = mlpParams;

  predictProba(X: Matrix): Matrix {
    const z = this.forward(X);
    const k = this.nClasses_;
    const out = new Float64Array(X.rows * k);
    for (let i = 0; i < X.rows; i++) {
      if (z.cols === 1) {
        const p1 = ACTIVATIONS.logistic.scalar(z.data[i]!);
        out[i * 2] = 1 - p1;
        out[i * 2 + 1] = p1;
      } else {
        let m = -Infinity;
        for (let c = 0; c < k; c++) m = Math.max(m, z.data[i * k + c]!);
        let s = 0;
        for (let c = 0; c < k; c++) s += out[i * k + c] = Math.exp(z.data[i * k + c]! - m);
        for (let c = 0; c < k; c++) out[i * k + c]! /= s;
      }
    }
    return { data: out, rows: X.rows, cols: k };
  }

  predict(X: Matrix): Float64Array {
    const z = this.forward(X);
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      if (z.cols === 1) out[i] = z.data[i]! > 0 ? 1 : 0;
      else {
        let best = 0;
        for (let c = 1; c < z.cols; c++) if (z.data[i * z.cols + c]! > z.data[i * z.cols + best]!) best = c;
        out[i] = best;
      }
    }
    return out;
  }

  /** Rebuilds a fitted model from `toState()`. */
  static fromState(state: EstimatorState): MLPClassifier {
    return new MLPClassifier(mlpParams.parse(state.params)).load(state);
  }
}

/** Multi-layer perceptron regressor (scikit-learn's MLPRegressor): identity output, squared loss. */
export class MLPRegressor extends Mlp {
  readonly algorithm = "MLPRegressor";
  readonly task = "regression";
  static readonly paramSchema = mlpParams;

  predict(X: Matrix): Float64Array {
    return Float64Array.from(this.forward(X).data);
  }

  /** Rebuilds a fitted model from `toState()`. */
  static fromState(state: EstimatorState): MLPRegressor {
    return new MLPRegressor(mlpParams.parse(state.params)).load(state);
  }
}

async function readLayers(W: tf.Variable[], b: tf.Variable[], sizes: number[]): Promise<Layers> {
  return {
    weights: await Promise.all(W.map(async (w) => Float64Array.from(await w.data()))),
    biases: await Promise.all(b.map(async (v) => Float64Array.from(await v.data()))),
    sizes: [...sizes],
  };
}

/** sklearn's squared_loss: mean((y - p)^2) / 2. */
function squaredLoss(out: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.div(tf.mean(tf.square(tf.sub(out, y))), 2) as tf.Scalar;
}

/** Mean binary cross-entropy of logits, computed stably. */
function binaryLogLoss(logits: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.losses.sigmoidCrossEntropy(y, logits) as tf.Scalar;
}

/** Mean categorical cross-entropy of logits against one-hot rows. */
function softmaxLogLoss(logits: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
}
