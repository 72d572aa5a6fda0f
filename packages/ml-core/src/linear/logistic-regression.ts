import { z } from "zod";
import type { Estimator, EstimatorState, FitOptions } from "../core/estimator";
import type { Matrix } from "../core/matrix";
import { DataError, NotFittedError } from "../core/errors";
import { bool, custom, defineParams, float, int, oneOf } from "../core/hyperparams";
import { checkCols, checkXy } from "../core/check-input";
import { classCounts, countClasses } from "../core/classes";
import { classWeights } from "../core/class-weights";
import { randomStateParam } from "../core/seed";
import { fista } from "./fista";
import { lbfgs } from "./lbfgs";
import { logisticLoss } from "./logistic-loss";

type Penalty = "l1" | "l2" | "elasticnet" | null;
type Solver = "lbfgs" | "liblinear" | "newton-cg" | "sag" | "saga";

/**
 * Which penalties each solver accepts, as in scikit-learn (`_check_solver`), and how it handles
 * more than two classes: liblinear fits one-vs-rest, the others one multinomial model.
 */
export const SOLVERS: { readonly [S in Solver]: { readonly penalties: readonly Penalty[]; readonly multiclass: "ovr" | "multinomial" } } = {
  lbfgs: { penalties: ["l2", null], multiclass: "multinomial" },
  "newton-cg": { penalties: ["l2", null], multiclass: "multinomial" },
  sag: { penalties: ["l2", null], multiclass: "multinomial" },
  liblinear: { penalties: ["l1", "l2"], multiclass: "ovr" },
  saga: { penalties: ["l1", "l2", "elasticnet", null], multiclass: "multinomial" },
};

const validPairs = (Object.keys(SOLVERS) as Solver[]).map((s) => `${s}: ${SOLVERS[s].penalties.map(String).join("/")}`).join("; ");

/** LogisticRegression's hyperparameters, with scikit-learn's names and defaults. */
export const logisticRegressionParams = defineParams(
  {
    penalty: oneOf(["l1", "l2", "elasticnet", null] as const, { default: "l2", description: "Regularisation: l2 (ridge), l1 (sparse), elasticnet (both, needs l1_ratio and saga) or null (none)." }),
    C: float({ default: 1.0, min: 0, exclusiveMin: true, description: "Inverse regularisation strength; smaller is stronger." }),
    l1_ratio: custom(z.number().min(0).max(1).nullable(), { type: "float | null", default: null, min: 0, max: 1, description: "Elastic-net mixing: 0 is l2, 1 is l1. Only with penalty elasticnet." }),
    max_iter: int({ default: 100, min: 1, description: "Most solver iterations (lbfgs iterations; the proximal solver used for l1/elasticnet runs up to 10x this many gradient steps)." }),
    tol: float({ default: 1e-4, min: 0, description: "Stopping tolerance (largest gradient entry for lbfgs, relative coefficient change for l1/elasticnet)." }),
    class_weight: oneOf([null, "balanced"] as const, { default: null, description: "balanced weighs classes inversely to their frequency." }),
    solver: oneOf(["lbfgs", "liblinear", "newton-cg", "sag", "saga"] as const, { default: "lbfgs", description: `Optimiser family, as in scikit-learn; valid penalties per solver: ${validPairs}.` }),
    fit_intercept: bool({ default: true, description: "Whether to learn an intercept." }),
    random_state: randomStateParam("Seed; accepted for compatibility (the solvers here are deterministic)."),
  },
  (p) => {
    if (!SOLVERS[p.solver].penalties.includes(p.penalty)) {
      return `Solver \`${p.solver}\` does not support penalty \`${String(p.penalty)}\`. Valid solver/penalty pairs are ${validPairs}.`;
    }
    if (p.penalty === "elasticnet" && p.l1_ratio === null) return "`l1_ratio` must be a number in [0, 1] when penalty is elasticnet, but got null.";
    return undefined;
  },
);

/** LogisticRegression's validated hyperparameters. */
export type LogisticRegressionParams = ReturnType<typeof logisticRegressionParams.parse>;

/**
 * Regularised logistic regression after scikit-learn's `LogisticRegression`: minimises
 * C * sum(sample_weight * log-loss) + penalty(coef) in float64, with L-BFGS for the smooth
 * penalties (l2, none) and accelerated proximal gradient (FISTA) for l1 and elasticnet.
 * Binary problems learn one coefficient row; more classes a multinomial (softmax) model,
 * except with solver liblinear, which fits one-vs-rest like scikit-learn.
 * See https://scikit-learn.org/stable/modules/linear_model.html#logistic-regression.
 */
export class LogisticRegression implements Estimator {
  readonly algorithm = "LogisticRegression";
  static readonly paramSchema = logisticRegressionParams;

  /** Coefficients, rows x nFeatures (1 row for binary problems, else one per class). */
  coef_: Float64Array | undefined;
  intercept_: Float64Array | undefined;
  nClasses_ = 0;
  nFeatures_ = 0;
  /** How the rows of coef_ combine: one sigmoid, a softmax, or one-vs-rest sigmoids. */
  mode_: "binary" | "multinomial" | "ovr" = "binary";
  nIter_ = 0;

  constructor(readonly params: LogisticRegressionParams = logisticRegressionParams.defaults) {}

  async fit(X: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    const p = logisticRegressionParams.parse(this.params);
    checkXy(X, y);
    const k = countClasses(y, options.nClasses);
    const counts = classCounts(y, k);
    if (counts.filter((c) => c > 0).length < 2) throw new DataError("SINGLE_CLASS", "LogisticRegression needs samples of at least 2 classes, but y holds only one.");
    const cw = classWeights(y, k, p.class_weight);
    const sw = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) sw[i] = cw[y[i]!]!;
    const d = X.cols;
    const mode = k === 2 ? "binary" : SOLVERS[p.solver].multiclass;
    const rows = mode === "binary" ? 1 : k;
    const coef = new Float64Array(rows * d);
    const intercept = new Float64Array(rows);
    let nIter = 0;
    const total = mode === "ovr" ? k : 1;
    if (mode === "ovr") {
      for (let c = 0; c < k; c++) {
        const target = new Float64Array(y.length);
        for (let i = 0; i < y.length; i++) target[i] = y[i] === c ? 1 : 0;
        const r = solve(X, target, sw, 1, p);
        coef.set(r.x.subarray(0, d), c * d);
        if (p.fit_intercept) intercept[c] = r.x[d]!;
        nIter = Math.max(nIter, r.nIter);
        options.onProgress?.(c + 1, total);
      }
    } else {
      const r = solve(X, y, sw, rows, p, options.onProgress && ((it) => options.onProgress!(it, p.max_iter)));
      coef.set(r.x.subarray(0, rows * d));
      if (p.fit_intercept) intercept.set(r.x.subarray(rows * d, rows * d + rows));
      nIter = r.nIter;
    }
    this.coef_ = coef;
    this.intercept_ = intercept;
    this.nClasses_ = k;
    this.nFeatures_ = d;
    this.mode_ = mode;
    this.nIter_ = nIter;
    return this;
  }

  /** Raw scores, rows x (1 for binary, else nClasses). */
  decisionFunction(X: Matrix): Matrix {
    const coef = this.coef_;
    const intercept = this.intercept_;
    if (!coef || !intercept) throw new NotFittedError(this.algorithm);
    checkCols(X, this.nFeatures_);
    const rows = intercept.length;
    const d = this.nFeatures_;
    const out = new Float64Array(X.rows * rows);
    for (let i = 0; i < X.rows; i++) {
      const off = i * d;
      for (let c = 0; c < rows; c++) {
        let s = intercept[c]!;
        const w = c * d;
        for (let j = 0; j < d; j++) s += coef[w + j]! * X.data[off + j]!;
        out[i * rows + c] = s;
      }
    }
    return { data: out, rows: X.rows, cols: rows };
  }

  predict(X: Matrix): Float64Array {
    const z = this.decisionFunction(X);
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) out[i] = z.cols === 1 ? (z.data[i]! > 0 ? 1 : 0) : argmax(z.data, i * z.cols, z.cols);
    return out;
  }

  predictProba(X: Matrix): Matrix {
    const z = this.decisionFunction(X);
    const k = this.nClasses_;
    const out = new Float64Array(X.rows * k);
    for (let i = 0; i < X.rows; i++) {
      if (this.mode_ === "binary") {
        const p1 = sigmoid(z.data[i]!);
        out[i * 2] = 1 - p1;
        out[i * 2 + 1] = p1;
      } else if (this.mode_ === "multinomial") {
        let m = -Infinity;
        for (let c = 0; c < k; c++) m = Math.max(m, z.data[i * k + c]!);
        let s = 0;
        for (let c = 0; c < k; c++) s += out[i * k + c] = Math.exp(z.data[i * k + c]! - m);
        for (let c = 0; c < k; c++) out[i * k + c]! /= s;
      } else {
        let s = 0;
        for (let c = 0; c < k; c++) s += out[i * k + c] = sigmoid(z.data[i * k + c]!);
        for (let c = 0; c < k; c++) out[i * k + c]! /= s;
      }
    }
    return { data: out, rows: X.rows, cols: k };
  }

  /** |coef| summed over classes, normalised to sum to 1. */
  featureImportances(): Float64Array | undefined {
    if (!this.coef_) return undefined;
    return absImportances(this.coef_, this.nFeatures_);
  }

  toState(): EstimatorState {
    if (!this.coef_ || !this.intercept_) throw new NotFittedError(this.algorithm);
    return {
      algorithm: this.algorithm,
      params: { ...this.params },
      state: { coef: this.coef_, intercept: this.intercept_, nClasses: this.nClasses_, nFeatures: this.nFeatures_, mode: this.mode_, nIter: this.nIter_ },
    };
  }

  /** Rebuilds a fitted model from `toState()`. */
  static fromState(state: EstimatorState): LogisticRegression {
    const m = new LogisticRegression(logisticRegressionParams.parse(state.params));
    const s = state.state as { coef: Float64Array; intercept: Float64Array; nClasses: number; nFeatures: number; mode: "binary" | "multinomial" | "ovr"; nIter: number };
    m.coef_ = s.coef;
    m.intercept_ = s.intercept;
    m.nClasses_ = s.nClasses;
    m.nFeatures_ = s.nFeatures;
    m.mode_ = s.mode;
    m.nIter_ = s.nIter;
    return m;
  }
}

/** |coef| per feature summed over rows, normalised to sum 1 (uniform when all zero). */
export function absImportances(coef: Float64Array, d: number): Float64Array {
  const imp = new Float64Array(d);
  for (let i = 0; i < coef.length; i++) imp[i % d]! += Math.abs(coef[i]!);
  const s = imp.reduce((a, b) => a + b, 0);
  for (let j = 0; j < d; j++) imp[j] = s > 0 ? imp[j]! / s : 1 / d;
  return imp;
}

/**
 * Minimises the logistic objective for `rows` coefficient rows: rows = 1 is a binary model
 * with targets 0/1 in `t`, rows > 1 a multinomial model with class indices in `t`.
 */
function solve(X: Matrix, t: Float64Array, sw: Float64Array, rows: number, p: LogisticRegressionParams, onIteration?: (iter: number) => void) {
  const d = X.cols;
  const nW = rows * d;
  const size = nW + (p.fit_intercept ? rows : 0);
  const l1 = p.penalty === "l1" ? 1 : p.penalty === "elasticnet" ? p.l1_ratio! : 0;
  const l2 = p.penalty === "l2" ? 1 : p.penalty === "elasticnet" ? 1 - p.l1_ratio! : 0;
  const fg = logisticLoss(X, t, sw, rows, p.fit_intercept, l2 / p.C);
  const x0 = new Float64Array(size);
  if (l1 === 0) return lbfgs(fg, x0, { maxIter: p.max_iter, gtol: p.tol, onIteration });
  const lam = l1 / p.C;
  return fista(fg, x0, {
    maxIter: 10 * p.max_iter,
    tol: p.tol,
    onIteration: onIteration && ((it) => it % 10 === 0 && onIteration(it / 10)),
    prox: (x, step) => {
      const th = lam * step;
      for (let j = 0; j < nW; j++) {
        const v = x[j]!;
        x[j] = v > th ? v - th : v < -th ? v + th : 0;
      }
    },
    penalty: (x) => {
      let s = 0;
      for (let j = 0; j < nW; j++) s += Math.abs(x[j]!);
      return lam * s;
    },
  });
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function argmax(a: Float64Array, off: number, n: number): number {
  let best = 0;
  for (let c = 1; c < n; c++) if (a[off + c]! > a[off + best]!) best = c;
  return best;
}
