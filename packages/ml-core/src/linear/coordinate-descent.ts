/** Settings of `enetCoordinateDescent`. */
export interface CdOptions {
  /** L1 strength alpha * l1_ratio (per-sample objective scale, as in scikit-learn). */
  readonly l1: number;
  /** L2 strength alpha * (1 - l1_ratio). */
  readonly l2: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly onIteration?: (iter: number) => void;
}

/**
 * Cyclic coordinate descent for the elastic net on centred data,
 *   (1 / 2n) ||y - Xw||^2 + l1 ||w||_1 + (l2 / 2) ||w||^2,
 * a float64 port of scikit-learn's `enet_coordinate_descent` (sklearn/linear_model/_cd_fast.pyx):
 * sweeps until the largest update is below tol times the largest weight, then stops when the
 * duality gap is below tol * ||y||^2.
 * @param X row-major n x d.
 */
export function enetCoordinateDescent(X: Float64Array, y: Float64Array, n: number, d: number, options: CdOptions): { coef: Float64Array; nIter: number } {
  const l1 = options.l1 * n;
  const l2 = options.l2 * n;
  // column-major copy: each coordinate step reads one column
  const cols = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) cols[j * n + i] = X[i * d + j]!;
  const normCols = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += cols[j * n + i]! ** 2;
    normCols[j] = s;
  }
  const w = new Float64Array(d);
  const R = Float64Array.from(y);
  let yy = 0;
  for (let i = 0; i < n; i++) yy += y[i]! * y[i]!;
  const tol = options.tol * yy;
  for (let iter = 1; iter <= options.maxIter; iter++) {
    let wMax = 0;
    let dwMax = 0;
    for (let j = 0; j < d; j++) {
      if (normCols[j] === 0) continue;
      const off = j * n;
      const old = w[j]!;
      if (old !== 0) for (let i = 0; i < n; i++) R[i]! += old * cols[off + i]!;
      let tmp = 0;
      for (let i = 0; i < n; i++) tmp += cols[off + i]! * R[i]!;
      const nw = Math.sign(tmp) * Math.max(Math.abs(tmp) - l1, 0) / (normCols[j]! + l2);
      w[j] = nw;
      if (nw !== 0) for (let i = 0; i < n; i++) R[i]! -= nw * cols[off + i]!;
      dwMax = Math.max(dwMax, Math.abs(nw - old));
      wMax = Math.max(wMax, Math.abs(nw));
    }
    options.onIteration?.(iter);
    if (wMax === 0 || dwMax / wMax < options.tol || iter === options.maxIter) {
      // duality gap
      let dualNorm = 0;
      for (let j = 0; j < d; j++) {
        let s = 0;
        const off = j * n;
        for (let i = 0; i < n; i++) s += cols[off + i]! * R[i]!;
        dualNorm = Math.max(dualNorm, Math.abs(s - l2 * w[j]!));
      }
      let rNorm2 = 0;
      let ry = 0;
      for (let i = 0; i < n; i++) {
        rNorm2 += R[i]! * R[i]!;
        ry += R[i]! * y[i]!;
      }
      let wNorm2 = 0;
      let l1Norm = 0;
      for (let j = 0; j < d; j++) {
        wNorm2 += w[j]! * w[j]!;
        l1Norm += Math.abs(w[j]!);
      }
      let gap: number;
      let k: number;
      if (dualNorm > l1) {
        k = l1 / dualNorm;
        gap = 0.5 * (rNorm2 + rNorm2 * k * k);
      } else {
        k = 1;
        gap = rNorm2;
      }
      gap += l1 * l1Norm - k * ry + 0.5 * l2 * (1 + k * k) * wNorm2;
      if (gap < tol) return { coef: w, nIter: iter };
    }
  }
  return { coef: w, nIter: options.maxIter };
}
