import type { Matrix } from "../core/matrix";
import type { Objective } from "./lbfgs";
import { rowBlocks } from "./matvec";

/**
 * The logistic objective sum_i sw_i * log-loss_i + 0.5 * l2 * ||W||^2 and its gradient, over
 * parameters laid out as [W (rows x d), b (rows) when fitting an intercept].
 * rows = 1 is a binary model with 0/1 targets in `t`; rows > 1 a multinomial (softmax) model with
 * class indices in `t`. No allocation per evaluation.
 * @param X row-major features, n x d.
 * @param t targets (0/1 or class indices).
 * @param sw per-sample weights.
 * @param rows 1 (binary) or the number of classes.
 * @param fitIntercept whether the parameters end with one intercept per row.
 * @param l2 strength of the squared penalty on W (1 / C for penalty l2).
 */
export function logisticLoss(X: Matrix, t: Float64Array, sw: Float64Array, rows: number, fitIntercept: boolean, l2: number): Objective {
  const nW = rows * X.cols;
  // The loops are in module-level functions taking arrays and numbers, not in closures made per
  // call: V8 keeps type feedback and optimised code per function, so a closure made for each fit
  // started cold every time (interpreter, then a new optimising compile) for the first fits of a
  // process. The closures below only make a few calls per evaluation.
  if (rows === 1) {
    // the scores z = b + X w (in WebAssembly SIMD where available), each row's loss and
    // derivative g, then X^T g
    const d = X.cols;
    const m = rowBlocks(X);
    const tp = padTo(t, m.rows);
    const swp = padTo(sw, m.rows);
    return (w, grad) => {
      m.scores(w, fitIntercept ? w[d]! : 0);
      const loss = binaryRows(m.z, m.g, tp, swp, m.rows);
      m.gradient(grad);
      if (fitIntercept) grad[d] = sum(m.g);
      return addL2(loss, w, grad, nW, l2);
    };
  }
  const { data, n, d, t: tt, sw: ww, lastW } = blockRows(X, t, sw);
  const z = new Float64Array(4 * rows);
  const b = new Float64Array(rows);
  return (w, grad) => addL2(multinomialPass(data, n, d, tt, ww, lastW, rows, fitIntercept, z, b, w, grad), w, grad, nW, l2);
}

/** `a` followed by zeros up to length `n`. */
function padTo(a: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  out.set(a);
  return out;
}

/** The sum of the entries of `a`, in order. */
function sum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

/**
 * sum_i sw_i (log(1 + exp(z_i)) - t_i z_i) over the first n rows (n even), from one exp per row;
 * sets g_i = sw_i (sigmoid(z_i) - t_i), the loss's derivative in z_i. Two rows per iteration
 * (~15% less time: the two rows' exp and log1p calls overlap).
 */
function binaryRows(z: Float64Array, g: Float64Array, t: Float64Array, sw: Float64Array, n: number): number {
  let loss = 0;
  for (let i = 0; i < n; i += 2) {
    const z0 = z[i]!;
    const z1 = z[i + 1]!;
    const t0 = t[i]!;
    const t1 = t[i + 1]!;
    const s0 = sw[i]!;
    const s1 = sw[i + 1]!;
    const e0 = Math.exp(-Math.abs(z0));
    const e1 = Math.exp(-Math.abs(z1));
    g[i] = s0 * ((z0 >= 0 ? 1 : e0) / (1 + e0) - t0);
    g[i + 1] = s1 * ((z1 >= 0 ? 1 : e1) / (1 + e1) - t1);
    loss += s0 * ((z0 > 0 ? z0 : 0) + Math.log1p(e0) - t0 * z0);
    loss += s1 * ((z1 > 0 ? z1 : 0) + Math.log1p(e1) - t1 * z1);
  }
  return loss;
}

/** loss + 0.5 * l2 * ||w[0..nW)||^2, adding l2 * w to the gradient. */
function addL2(loss: number, w: Float64Array, grad: Float64Array, nW: number, l2: number): number {
  if (l2 === 0) return loss;
  let sq = 0;
  for (let j = 0; j < nW; j++) {
    const v = w[j]!;
    sq += v * v;
    grad[j]! += l2 * v;
  }
  return loss + 0.5 * l2 * sq;
}

// The multinomial kernel takes rows four at a time: the four dot products with one coefficient
// row share its loads and run as independent chains, and the gradient is updated once per block
// instead of once per row, which roughly halves the time of a pass in V8. Every row goes through
// the one 4-row block: when n is not a multiple of 4, the last block is rows n-4..n-1 again with
// weight 0 on the rows already counted. (A separate loop for the remaining rows first ran in the
// interpreter at w = 0, where scores are the integer 0, so V8 compiled it for small integers and
// then deoptimised on every later evaluation.)

/**
 * The rows as the passes read them: padded with weight-0 rows to at least 4, and `lastW`, the
 * weights of the last block when it overlaps the one before (0 on the rows already counted).
 */
function blockRows(X: Matrix, t: Float64Array, sw: Float64Array) {
  const d = X.cols;
  let { data, rows: n } = X;
  if (n < 4) {
    // pad to one block of 4 rows with weight 0
    data = Float64Array.from({ length: 4 * d }, (_, p) => (p < n * d ? X.data[p]! : 0));
    t = Float64Array.from({ length: 4 }, (_, r) => (r < n ? t[r]! : 0));
    sw = Float64Array.from({ length: 4 }, (_, r) => (r < n ? sw[r]! : 0));
    n = 4;
  }
  const lastW = new Float64Array(4);
  for (let r = 4 - (n % 4); r < 4; r++) lastW[r] = sw[n - 4 + r]!;
  return { data, n, d, t, sw, lastW };
}

/** sw * softmax log-loss of the scores z[zo..zo+k) with true class yi; replaces them by their gradient. */
function softmaxRow(z: Float64Array, zo: number, k: number, yi: number, wi: number): number {
  let m = -Infinity;
  for (let c = 0; c < k; c++) if (z[zo + c]! > m) m = z[zo + c]!;
  const zy = z[zo + yi]!;
  let sum = 0;
  for (let c = 0; c < k; c++) sum += z[zo + c] = Math.exp(z[zo + c]! - m);
  const scale = wi / sum;
  for (let c = 0; c < k; c++) z[zo + c]! *= scale;
  z[zo + yi]! -= wi;
  return wi * (m + Math.log(sum) - zy);
}

/**
 * The multinomial log-loss at `w` over k classes; writes its gradient into `grad`. `z` (4k) and
 * `b` (k) are scratch. Rows as in `binaryPass`: blocks of 4, the last one overlapping with `lastW`.
 */
function multinomialPass(data: Float64Array, n: number, d: number, t: Float64Array, sw: Float64Array, lastW: Float64Array, k: number, fitIntercept: boolean, z: Float64Array, b: Float64Array, w: Float64Array, grad: Float64Array): number {
  const nW = k * d;
  const blocks = Math.ceil(n / 4);
  const rest = n % 4;
  grad.fill(0);
  for (let c = 0; c < k; c++) b[c] = fitIntercept ? w[nW + c]! : 0;
  let loss = 0;
  for (let q = 0; q < blocks; q++) {
    const overlap = rest !== 0 && q === blocks - 1;
    const i = overlap ? n - 4 : 4 * q;
    const ws = overlap ? lastW : sw;
    const wo = overlap ? 0 : i;
    const o0 = i * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    for (let c = 0, co = 0; c < k; c++, co += d) {
      let z0 = b[c]!;
      let z1 = z0;
      let z2 = z0;
      let z3 = z0;
      for (let j = 0; j < d; j++) {
        const wj = w[co + j]!;
        z0 += wj * data[o0 + j]!;
        z1 += wj * data[o1 + j]!;
        z2 += wj * data[o2 + j]!;
        z3 += wj * data[o3 + j]!;
      }
      z[c] = z0;
      z[k + c] = z1;
      z[2 * k + c] = z2;
      z[3 * k + c] = z3;
    }
    loss += softmaxRow(z, 0, k, t[i]!, ws[wo]!) + softmaxRow(z, k, k, t[i + 1]!, ws[wo + 1]!) + softmaxRow(z, 2 * k, k, t[i + 2]!, ws[wo + 2]!) + softmaxRow(z, 3 * k, k, t[i + 3]!, ws[wo + 3]!);
    for (let c = 0, co = 0; c < k; c++, co += d) {
      const g0 = z[c]!;
      const g1 = z[k + c]!;
      const g2 = z[2 * k + c]!;
      const g3 = z[3 * k + c]!;
      for (let j = 0; j < d; j++) grad[co + j]! += g0 * data[o0 + j]! + g1 * data[o1 + j]! + g2 * data[o2 + j]! + g3 * data[o3 + j]!;
      if (fitIntercept) grad[nW + c]! += g0 + g1 + g2 + g3;
    }
  }
  return loss;
}
