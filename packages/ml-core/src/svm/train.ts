import type { Matrix } from "../core/matrix";
import { solve } from "./solver";
import { SvcQ, type KernelSpec } from "./svc-q";

/** The settings of `svmTrain` beside the kernel (libsvm's `svm_parameter` for C-SVC). */
export interface TrainOptions extends KernelSpec {
  readonly tol: number;
  readonly shrinking: boolean;
  /** Kernel cache per sub-problem, in MB. */
  readonly cacheSize: number;
  readonly maxIter: number;
}

/** A trained one-vs-one C-SVC in libsvm's layout (`svm_model`). */
export interface TrainedSvc {
  /** Row of X of each support vector, grouped by class in `labels` order. */
  readonly svRows: Int32Array;
  /** Dual coefficients y_i alpha_i, (k - 1) x nSV (libsvm's sv_coef). */
  readonly svCoef: Float64Array;
  /** One rho per class pair (i, j), i < j, in libsvm's order; decision = sum - rho. */
  readonly rho: Float64Array;
  /** The class labels, in libsvm's order (first occurrence; +1 before -1 for a -1/+1 problem). */
  readonly labels: Int32Array;
  /** Support vectors per class. */
  readonly nSV: Int32Array;
}

/**
 * libsvm's `svm_train` for C-SVC: groups the rows by class (`svm_group_classes`), solves one
 * binary dual per class pair with costs C_i and C_j (`svm_train_one` / `solve_c_svc`), and
 * gathers the support vectors and coefficients the way libsvm lays out its model.
 * @param X the data; only `rows` of it are used.
 * @param rows which rows of X make up the problem.
 * @param y an integer label per entry of `rows`.
 * @param cost C for a label (C times its class weight).
 */
export function svmTrain(X: Matrix, rows: ArrayLike<number>, y: ArrayLike<number>, cost: (label: number) => number, o: TrainOptions): TrainedSvc {
  const l = rows.length;
  const d = X.cols;
  // svm_group_classes
  const labels: number[] = [];
  const count: number[] = [];
  const dataLabel = new Int32Array(l);
  for (let i = 0; i < l; i++) {
    const v = y[i]!;
    let j = labels.indexOf(v);
    if (j < 0) {
      j = labels.length;
      labels.push(v);
      count.push(0);
    }
    count[j]!++;
    dataLabel[i] = j;
  }
  const nr = labels.length;
  if (nr === 2 && labels[0] === -1 && labels[1] === 1) {
    labels.reverse();
    count.reverse();
    for (let i = 0; i < l; i++) dataLabel[i] = 1 - dataLabel[i]!;
  }
  const start = new Int32Array(nr);
  for (let i = 1; i < nr; i++) start[i] = start[i - 1]! + count[i - 1]!;
  const perm = new Int32Array(l);
  {
    const at = Int32Array.from(start);
    for (let i = 0; i < l; i++) perm[at[dataLabel[i]!]!++] = i;
  }

  const nonzero = new Uint8Array(l);
  const alphas: Float64Array[] = [];
  const rho = new Float64Array((nr * (nr - 1)) / 2);
  let p = 0;
  for (let i = 0; i < nr; i++) {
    for (let j = i + 1; j < nr; j++) {
      const si = start[i]!;
      const sj = start[j]!;
      const ci = count[i]!;
      const cj = count[j]!;
      const n = ci + cj;
      const x = new Float64Array(n * d);
      const sy = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        const r = rows[perm[k < ci ? si + k : sj + k - ci]!]!;
        x.set(X.data.subarray(r * d, (r + 1) * d), k * d);
        sy[k] = k < ci ? 1 : -1;
      }
      const Q = new SvcQ(x, d, Float64Array.from(sy), o, o.cacheSize * (1 << 20));
      const sol = solve(Q, new Float64Array(n).fill(-1), sy, { Cp: cost(labels[i]!), Cn: cost(labels[j]!), eps: o.tol, shrinking: o.shrinking, maxIter: o.maxIter });
      const alpha = sol.alpha;
      for (let k = 0; k < n; k++) alpha[k] = alpha[k]! * sy[k]!;
      rho[p] = sol.rho;
      for (let k = 0; k < ci; k++) if (Math.abs(alpha[k]!) > 0) nonzero[si + k] = 1;
      for (let k = 0; k < cj; k++) if (Math.abs(alpha[ci + k]!) > 0) nonzero[sj + k] = 1;
      alphas.push(alpha);
      p++;
    }
  }

  const nSV = new Int32Array(nr);
  for (let i = 0; i < nr; i++) for (let k = 0; k < count[i]!; k++) if (nonzero[start[i]! + k]) nSV[i]!++;
  const total = nSV.reduce((a, b) => a + b, 0);
  const svRows = new Int32Array(total);
  for (let i = 0, q = 0; i < l; i++) if (nonzero[i]) svRows[q++] = rows[perm[i]!]!;
  const nzStart = new Int32Array(nr);
  for (let i = 1; i < nr; i++) nzStart[i] = nzStart[i - 1]! + nSV[i - 1]!;
  const svCoef = new Float64Array(Math.max(nr - 1, 0) * total);
  p = 0;
  for (let i = 0; i < nr; i++) {
    for (let j = i + 1; j < nr; j++) {
      // classifier (i, j): coefficients of i go to row j - 1, those of j to row i
      const si = start[i]!;
      const sj = start[j]!;
      const ci = count[i]!;
      const cj = count[j]!;
      const alpha = alphas[p]!;
      let q = nzStart[i]!;
      for (let k = 0; k < ci; k++) if (nonzero[si + k]) svCoef[(j - 1) * total + q++] = alpha[k]!;
      q = nzStart[j]!;
      for (let k = 0; k < cj; k++) if (nonzero[sj + k]) svCoef[i * total + q++] = alpha[ci + k]!;
      p++;
    }
  }
  return { svRows, svCoef, rho, labels: Int32Array.from(labels), nSV };
}
