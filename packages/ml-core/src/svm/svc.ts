import { z } from "zod";
import type { Estimator, EstimatorState, FitOptions } from "../core/estimator";
import { takeRows, type Matrix } from "../core/matrix";
import { Rng } from "../core/rng";
import { DataError, MlError, NotFittedError } from "../core/errors";
import { bool, custom, defineParams, float, int, oneOf } from "../core/hyperparams";
import { checkCols, checkXy } from "../core/check-input";
import { classCounts, countClasses } from "../core/classes";
import { classWeights } from "../core/class-weights";
import { randomStateParam, resolveSeed } from "../core/seed";
import { KERNELS, type KernelParams } from "./kernels";
import { binarySvcProbability } from "./platt";
import { svmTrain, type TrainOptions } from "./train";

/** SVC's hyperparameters, with scikit-learn's names and defaults. */
export const svcParams = defineParams({
  C: float({ default: 1.0, min: 0, exclusiveMin: true, description: "Penalty of the error term; larger fits the training data more closely." }),
  kernel: oneOf(["rbf", "linear", "poly", "sigmoid"] as const, { default: "rbf", description: "Kernel function." }),
  degree: int({ default: 3, min: 0, description: "Degree of the poly kernel." }),
  gamma: custom(z.union([z.literal("scale"), z.literal("auto"), z.number().positive()]), {
    type: "enum | float",
    values: ["scale", "auto"],
    default: "scale",
    description: "Kernel coefficient for rbf/poly/sigmoid: scale = 1 / (n_features * X.var()), auto = 1 / n_features, or a positive number.",
  }),
  coef0: float({ default: 0, description: "Independent term of the poly and sigmoid kernels." }),
  tol: float({ default: 1e-3, min: 0, exclusiveMin: true, description: "Stopping tolerance of the SMO solver." }),
  class_weight: oneOf([null, "balanced"] as const, { default: null, description: "balanced multiplies C by n / (k * count) per class." }),
  probability: bool({ default: false, description: "Whether to fit Platt scaling (internal 5-fold CV, slower) so predictProba is available." }),
  shrinking: bool({ default: true, description: "Whether to use the shrinking heuristic." }),
  cache_size: float({ default: 200, min: 1, description: "Kernel cache size in MB." }),
  max_iter: int({ default: -1, min: -1, description: "Limit on SMO iterations per class pair; -1 is libsvm's max(10^7, 100 n)." }),
  random_state: randomStateParam("Seed of the cross-validation folds of Platt scaling (probability true); null draws a fresh one for each fit."),
});

/** SVC's validated hyperparameters. */
export type SvcParams = ReturnType<typeof svcParams.parse>;

interface SvcModel {
  /** Support vectors, nSV x d, row-major, copied exactly from the training rows. */
  readonly sv: Float64Array;
  /** Dual coefficients, (k - 1) x nSV (libsvm's sv_coef). */
  readonly svCoef: Float64Array;
  /** One intercept (negated) per class pair, libsvm's order. */
  readonly rho: Float64Array;
  /** Our class index of each libsvm class, in libsvm's order. */
  readonly labels: Int32Array;
  /** Support vectors per libsvm class. */
  readonly nSV: Int32Array;
  /** Platt scaling per pair (empty without probability). */
  readonly probA: Float64Array;
  readonly probB: Float64Array;
  readonly gamma: number;
  readonly nFeatures: number;
  readonly nClasses: number;
}

/**
 * C-support vector classification after scikit-learn's `SVC`: trained by our port of libsvm's
 * SMO solver (the library scikit-learn wraps; see `solver.ts` and `train.ts`), one-vs-one for
 * more than two classes, on dense float64 rows. The model is kept in typed arrays in libsvm's
 * layout (support vectors copied exactly from the training rows); prediction and Platt
 * probabilities are computed in plain float64 JS, so a restored model predicts identically.
 * With `probability`, Platt scaling is fitted like libsvm's (5-fold CV per class pair, then
 * `sigmoid_train`) but with folds drawn from `random_state`, so the same seed gives the same model.
 * See https://scikit-learn.org/stable/modules/svm.html#svc and
 * https://www.csie.ntu.edu.tw/~cjlin/libsvm/.
 */
export class SVC implements Estimator {
  readonly algorithm = "SVC";
  static readonly paramSchema = svcParams;
  model_: SvcModel | undefined;
  /** Class probabilities (rows x nClasses); only present when `probability` is true, as in scikit-learn. */
  readonly predictProba?: (X: Matrix) => Matrix;

  constructor(readonly params: SvcParams = svcParams.defaults) {
    if (params.probability) this.predictProba = (X) => this.probabilities(X);
  }

  async fit(X: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    const p = svcParams.parse(this.params);
    checkXy(X, y);
    const k = countClasses(y, options.nClasses);
    const counts = classCounts(y, k);
    if (counts.filter((c) => c > 0).length < 2) throw new DataError("SINGLE_CLASS", "SVC needs samples of at least 2 classes, but y holds only one.");
    const d = X.cols;
    const gamma = resolveGamma(p.gamma, X);
    const weights = classWeights(y, k, p.class_weight);
    const solverOptions: TrainOptions = { kernel: p.kernel, gamma, degree: p.degree, coef0: p.coef0, tol: p.tol, shrinking: p.shrinking, cacheSize: p.cache_size, maxIter: p.max_iter };
    const train = (rows: ArrayLike<number>, labels: ArrayLike<number>, cost: (label: number) => number): SvcModel => {
      const t = svmTrain(X, rows, labels, cost, solverOptions);
      const sv = new Float64Array(t.svRows.length * d);
      t.svRows.forEach((r, s) => sv.set(X.data.subarray(r * d, (r + 1) * d), s * d));
      return { sv, svCoef: t.svCoef, rho: t.rho, labels: t.labels, nSV: t.nSV, probA: new Float64Array(0), probB: new Float64Array(0), gamma, nFeatures: d, nClasses: k };
    };
    const all = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) all[i] = i;
    const model = train(all, y, (label) => p.C * weights[label]!);
    this.model_ = p.probability ? { ...model, ...(await this.platt(p, model, X, y, weights, train)) } : model;
    options.onProgress?.(1, 1);
    return this;
  }

  /**
   * Platt scaling per class pair as libsvm's `svm_train` does it (5-fold CV decision values,
   * then `sigmoid_train`), with folds from an `Rng` seeded by `random_state`.
   */
  private async platt(p: SvcParams, model: SvcModel, X: Matrix, y: Float64Array, weights: Float64Array, train: (rows: ArrayLike<number>, labels: ArrayLike<number>, cost: (label: number) => number) => SvcModel): Promise<{ probA: Float64Array; probB: Float64Array }> {
    const rng = new Rng(resolveSeed(p.random_state));
    const nr = model.labels.length;
    const probA = new Float64Array((nr * (nr - 1)) / 2);
    const probB = new Float64Array(probA.length);
    const byClass = Array.from({ length: model.nClasses }, () => [] as number[]);
    for (let i = 0; i < y.length; i++) byClass[y[i]!]!.push(i);
    const sub = new SVC({ ...p, probability: false });
    let pair = 0;
    for (let a = 0; a < nr; a++) {
      for (let b = a + 1; b < nr; b++) {
        const ca = model.labels[a]!;
        const cb = model.labels[b]!;
        const rows = Int32Array.from([...byClass[ca]!, ...byClass[cb]!]);
        const labels = new Float64Array(rows.length).fill(-1).fill(1, 0, byClass[ca]!.length);
        const sigmoid = await binarySvcProbability(labels, p.C * weights[ca]!, p.C * weights[cb]!, rng, async (tr, te, Cp, Cn) => {
          const m = train(take(rows, tr), take(labels, tr), (label) => (label > 0 ? Cp : Cn));
          sub.model_ = m;
          const dec = sub.decisionFunction(takeRows(X, take(rows, te))).data;
          // decision values are positive for libsvm's first label: make them positive for +1
          if (m.labels[0] !== 1) for (let i = 0; i < dec.length; i++) dec[i] = -dec[i]!;
          return dec;
        });
        probA[pair] = sigmoid.A;
        probB[pair] = sigmoid.B;
        pair++;
      }
    }
    return { probA, probB };
  }

  /** One-vs-one decision values, rows x k(k-1)/2, in libsvm's pair order. */
  decisionFunction(X: Matrix): Matrix {
    const m = this.fitted();
    checkCols(X, m.nFeatures);
    const pairs = (m.labels.length * (m.labels.length - 1)) / 2;
    const out = new Float64Array(X.rows * pairs);
    const kv = new Float64Array(m.nSV.reduce((a, b) => a + b, 0));
    for (let i = 0; i < X.rows; i++) this.pairValues(m, X.data, i * X.cols, kv, out.subarray(i * pairs, (i + 1) * pairs));
    return { data: out, rows: X.rows, cols: pairs };
  }

  predict(X: Matrix): Float64Array {
    const m = this.fitted();
    const dec = this.decisionFunction(X);
    const nr = m.labels.length;
    const out = new Float64Array(X.rows);
    const votes = new Int32Array(nr);
    for (let r = 0; r < X.rows; r++) {
      votes.fill(0);
      let p = 0;
      for (let i = 0; i < nr; i++) for (let j = i + 1; j < nr; j++) votes[dec.data[r * dec.cols + p++]! > 0 ? i : j]!++;
      let best = 0;
      for (let i = 1; i < nr; i++) if (votes[i]! > votes[best]!) best = i;
      out[r] = m.labels[best]!;
    }
    return out;
  }

  toState(): EstimatorState {
    const m = this.fitted();
    return { algorithm: this.algorithm, params: { ...this.params }, state: { ...m } };
  }

  /** Rebuilds a fitted model from `toState()`. */
  static fromState(state: EstimatorState): SVC {
    const svc = new SVC(svcParams.parse(state.params));
    svc.model_ = state.state as unknown as SvcModel;
    return svc;
  }

  private fitted(): SvcModel {
    if (!this.model_) throw new NotFittedError(this.algorithm);
    return this.model_;
  }

  private pairValues(m: SvcModel, x: Float64Array, xi: number, kv: Float64Array, out: Float64Array): void {
    const kernel = KERNELS[this.params.kernel].fn;
    const kp: KernelParams = { gamma: m.gamma, degree: this.params.degree, coef0: this.params.coef0 };
    const d = m.nFeatures;
    const total = kv.length;
    for (let s = 0; s < total; s++) kv[s] = kernel(x, xi, m.sv, s * d, d, kp);
    const nr = m.labels.length;
    const start = new Int32Array(nr);
    for (let i = 1; i < nr; i++) start[i] = start[i - 1]! + m.nSV[i - 1]!;
    let p = 0;
    for (let i = 0; i < nr; i++) {
      for (let j = i + 1; j < nr; j++) {
        let sum = 0;
        const si = start[i]!;
        const sj = start[j]!;
        const c1 = (j - 1) * total;
        const c2 = i * total;
        for (let t = 0; t < m.nSV[i]!; t++) sum += m.svCoef[c1 + si + t]! * kv[si + t]!;
        for (let t = 0; t < m.nSV[j]!; t++) sum += m.svCoef[c2 + sj + t]! * kv[sj + t]!;
        out[p] = sum - m.rho[p]!;
        p++;
      }
    }
  }

  private probabilities(X: Matrix): Matrix {
    const m = this.fitted();
    if (m.probA.length === 0) throw new MlError("PROBABILITY_DISABLED", "SVC was fitted with probability false: refit with probability true to get probabilities.", 400);
    const dec = this.decisionFunction(X);
    const nr = m.labels.length;
    const out = new Float64Array(X.rows * m.nClasses);
    const r = Array.from({ length: nr }, () => new Float64Array(nr));
    const prob = new Float64Array(nr);
    for (let row = 0; row < X.rows; row++) {
      let p = 0;
      for (let i = 0; i < nr; i++) {
        for (let j = i + 1; j < nr; j++) {
          const v = Math.min(Math.max(sigmoidPredict(dec.data[row * dec.cols + p]!, m.probA[p]!, m.probB[p]!), 1e-7), 1 - 1e-7);
          r[i]![j] = v;
          r[j]![i] = 1 - v;
          p++;
        }
      }
      if (nr === 2) {
        prob[0] = r[0]![1]!;
        prob[1] = r[1]![0]!;
      } else multiclassProbability(nr, r, prob);
      for (let i = 0; i < nr; i++) out[row * m.nClasses + m.labels[i]!] = prob[i]!;
    }
    return { data: out, rows: X.rows, cols: m.nClasses };
  }
}

function resolveGamma(gamma: SvcParams["gamma"], X: Matrix): number {
  if (typeof gamma === "number") return gamma;
  if (gamma === "auto") return 1 / X.cols;
  let mean = 0;
  for (let i = 0; i < X.data.length; i++) mean += X.data[i]!;
  mean /= X.data.length;
  let v = 0;
  for (let i = 0; i < X.data.length; i++) v += (X.data[i]! - mean) ** 2;
  v /= X.data.length;
  return v > 0 ? 1 / (X.cols * v) : 1;
}

/** libsvm's `sigmoid_predict`: Platt's calibrated probability of a decision value. */
function sigmoidPredict(dec: number, A: number, B: number): number {
  const f = dec * A + B;
  return f >= 0 ? Math.exp(-f) / (1 + Math.exp(-f)) : 1 / (1 + Math.exp(f));
}

/** libsvm's `multiclass_probability`: pairwise coupling (Wu, Lin & Weng 2004, method 2). */
function multiclassProbability(k: number, r: Float64Array[], p: Float64Array): void {
  const Q = Array.from({ length: k }, () => new Float64Array(k));
  const Qp = new Float64Array(k);
  const eps = 0.005 / k;
  for (let t = 0; t < k; t++) {
    p[t] = 1 / k;
    Q[t]![t] = 0;
    for (let j = 0; j < t; j++) {
      Q[t]![t]! += r[j]![t]! * r[j]![t]!;
      Q[t]![j] = Q[j]![t]!;
    }
    for (let j = t + 1; j < k; j++) {
      Q[t]![t]! += r[j]![t]! * r[j]![t]!;
      Q[t]![j] = -r[j]![t]! * r[t]![j]!;
    }
  }
  for (let iter = 0; iter < Math.max(100, k); iter++) {
    let pQp = 0;
    for (let t = 0; t < k; t++) {
      Qp[t] = 0;
      for (let j = 0; j < k; j++) Qp[t]! += Q[t]![j]! * p[j]!;
      pQp += p[t]! * Qp[t]!;
    }
    let maxError = 0;
    for (let t = 0; t < k; t++) maxError = Math.max(maxError, Math.abs(Qp[t]! - pQp));
    if (maxError < eps) break;
    for (let t = 0; t < k; t++) {
      const diff = (-Qp[t]! + pQp) / Q[t]![t]!;
      p[t]! += diff;
      pQp = (pQp + diff * (diff * Q[t]![t]! + 2 * Qp[t]!)) / (1 + diff) / (1 + diff);
      for (let j = 0; j < k; j++) {
        Qp[j] = (Qp[j]! + diff * Q[t]![j]!) / (1 + diff);
        p[j]! /= 1 + diff;
      }
    }
  }
}

function take(values: ArrayLike<number>, indices: Int32Array): Float64Array {
  const out = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]!]!;
  return out;
}
