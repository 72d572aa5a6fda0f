import type { Matrix } from "../core/matrix";
import type { Objective } from "./lbfgs";

/**
 * The logistic objective sum_i sw_i * log-loss_i + 0.5 * l2 * ||W||^2 and its gradient, over
 * parameters laid out as [W (rows x d), b (rows) when fitting an intercept].
 * rows = 1 is a binary model with 0/1 targets in `t`; rows > 1 a multinomial (softmax) model with
 * class indices in `t`. Each evaluation is one pass over the rows of X (scores, loss and gradient
 * of a row while it is in cache), with no allocation.
 * @param X row-major features, n x d.
 * @param t targets (0/1 or class indices).
 * @param sw per-sample weights.
 * @param rows 1 (binary) or the number of classes.
 * @param fitIntercept whether the parameters end with one intercept per row.
 * @param l2 strength of the squared penalty on W (1 / C for penalty l2).
 */
export function logisticLoss(X: Matrix, t: Float64Array, sw: Float64Array, rows: number, fitIntercept: boolean, l2: number): Objective {
  const nW = rows * X.cols;
  // The passes are module-level functions taking everything as arguments, not closures made per
  // call: V8 keeps type feedback and optimised code per function, so a closure made for each fit
  // started cold every time (interpreter, then a new optimising compile) for the first fits of a
  // process. (Reading the arrays from a problem object instead cost a deoptimisation in the
  // second fit, on a field-type dependency.)
  const { data, n, d, t: tt, sw: ww, lastW } = blockRows(X, t, sw);
  if (rows === 1) return (w, grad) => addL2(binaryPass(data, n, d, tt, ww, lastW, fitIntercept, w, grad), w, grad, nW, l2);
  const z = new Float64Array(4 * rows);
  const b = new Float64Array(rows);
  return (w, grad) => addL2(multinomialPass(data, n, d, tt, ww, lastW, rows, fitIntercept, z, b, w, grad), w, grad, nW, l2);
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

// Both kernels take rows four at a time: the four dot products with one coefficient row share
// its loads and run as independent chains, and the gradient is updated once per block instead
// of once per row, which roughly halves the time of a pass in V8. Both put every row through the
// one 4-row block, as below.
//
// The binary kernel goes further (it is the hot loop of binary LogisticRegression):
// - its loops over columns are unrolled four times (V8 does not unroll JS loops; ~25% less time);
// - each row's loss and derivative are computed inline in scalar locals (no scratch array, no call);
// - every row goes through the one 4-row block: when n is not a multiple of 4, the last block is
//   rows n-4..n-1 again with weight 0 on the rows already counted. A separate loop for the
//   remaining rows first runs in the interpreter at w = 0, where scores are the integer 0, so V8
//   compiled it for small integers and then deoptimised on every later evaluation for a whole fit.

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

/** The binary log-loss at `w`; writes its gradient into `grad`. */
function binaryPass(data: Float64Array, n: number, d: number, t: Float64Array, sw: Float64Array, lastW: Float64Array, fitIntercept: boolean, w: Float64Array, grad: Float64Array): number {
  const blocks = Math.ceil(n / 4);
  const rest = n % 4;
  const d4 = d - (d % 4);
  grad.fill(0);
  const b = fitIntercept ? w[d]! : 0;
  let loss = 0;
  let gb = 0;
  for (let k = 0; k < blocks; k++) {
    const overlap = rest !== 0 && k === blocks - 1;
    const i = overlap ? n - 4 : 4 * k;
    const ws = overlap ? lastW : sw;
    const wo = overlap ? 0 : i;
    const o0 = i * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    let z0 = b;
    let z1 = b;
    let z2 = b;
    let z3 = b;
    let j = 0;
    for (; j < d4; j += 4) {
      const w0 = w[j]!;
      const w1 = w[j + 1]!;
      const w2 = w[j + 2]!;
      const w3 = w[j + 3]!;
      z0 += w0 * data[o0 + j]!;
      z1 += w0 * data[o1 + j]!;
      z2 += w0 * data[o2 + j]!;
      z3 += w0 * data[o3 + j]!;
      z0 += w1 * data[o0 + j + 1]!;
      z1 += w1 * data[o1 + j + 1]!;
      z2 += w1 * data[o2 + j + 1]!;
      z3 += w1 * data[o3 + j + 1]!;
      z0 += w2 * data[o0 + j + 2]!;
      z1 += w2 * data[o1 + j + 2]!;
      z2 += w2 * data[o2 + j + 2]!;
      z3 += w2 * data[o3 + j + 2]!;
      z0 += w3 * data[o0 + j + 3]!;
      z1 += w3 * data[o1 + j + 3]!;
      z2 += w3 * data[o2 + j + 3]!;
      z3 += w3 * data[o3 + j + 3]!;
    }
    for (; j < d; j++) {
      const wj = w[j]!;
      z0 += wj * data[o0 + j]!;
      z1 += wj * data[o1 + j]!;
      z2 += wj * data[o2 + j]!;
      z3 += wj * data[o3 + j]!;
    }
    // per row, from one exp: loss sw * (log(1 + exp(z)) - t z), derivative sw * (sigmoid(z) - t)
    const t0 = t[i]!;
    const s0 = ws[wo]!;
    const e0 = Math.exp(-Math.abs(z0));
    const g0 = s0 * ((z0 >= 0 ? 1 : e0) / (1 + e0) - t0);
    loss += s0 * ((z0 > 0 ? z0 : 0) + Math.log1p(e0) - t0 * z0);
    const t1 = t[i + 1]!;
    const s1 = ws[wo + 1]!;
    const e1 = Math.exp(-Math.abs(z1));
    const g1 = s1 * ((z1 >= 0 ? 1 : e1) / (1 + e1) - t1);
    loss += s1 * ((z1 > 0 ? z1 : 0) + Math.log1p(e1) - t1 * z1);
    const t2 = t[i + 2]!;
    const s2 = ws[wo + 2]!;
    const e2 = Math.exp(-Math.abs(z2));
    const g2 = s2 * ((z2 >= 0 ? 1 : e2) / (1 + e2) - t2);
    loss += s2 * ((z2 > 0 ? z2 : 0) + Math.log1p(e2) - t2 * z2);
    const t3 = t[i + 3]!;
    const s3 = ws[wo + 3]!;
    const e3 = Math.exp(-Math.abs(z3));
    const g3 = s3 * ((z3 >= 0 ? 1 : e3) / (1 + e3) - t3);
    loss += s3 * ((z3 > 0 ? z3 : 0) + Math.log1p(e3) - t3 * z3);
    for (j = 0; j < d4; j += 4) {
      grad[j]! += g0 * data[o0 + j]! + g1 * data[o1 + j]! + g2 * data[o2 + j]! + g3 * data[o3 + j]!;
      grad[j + 1]! += g0 * data[o0 + j + 1]! + g1 * data[o1 + j + 1]! + g2 * data[o2 + j + 1]! + g3 * data[o3 + j + 1]!;
      grad[j + 2]! += g0 * data[o0 + j + 2]! + g1 * data[o1 + j + 2]! + g2 * data[o2 + j + 2]! + g3 * data[o3 + j + 2]!;
      grad[j + 3]! += g0 * data[o0 + j + 3]! + g1 * data[o1 + j + 3]! + g2 * data[o2 + j + 3]! + g3 * data[o3 + j + 3]!;
    }
    for (; j < d; j++) grad[j]! += g0 * data[o0 + j]! + g1 * data[o1 + j]! + g2 * data[o2 + j]! + g3 * data[o3 + j]!;
    gb += g0 + g1 + g2 + g3;
  }
  if (fitIntercept) grad[d] = gb;
  return loss;
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
