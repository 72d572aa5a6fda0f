/**
 * Solves the symmetric positive semi-definite system A x = b (A is d x d, row-major, not
 * modified) by Cholesky factorisation in float64. Directions whose pivot falls below
 * `1e-10 * max diagonal` (collinear columns, e.g. a full one-hot block) get coefficient 0,
 * which gives a least-squares solution with the same predictions as the minimum-norm one.
 */
export function solveSpd(A: Float64Array, b: Float64Array, d: number): Float64Array {
  const L = new Float64Array(d * d);
  const dropped = new Uint8Array(d);
  let maxDiag = 0;
  for (let i = 0; i < d; i++) maxDiag = Math.max(maxDiag, A[i * d + i]!);
  const eps = 1e-10 * Math.max(maxDiag, Number.MIN_VALUE);
  for (let j = 0; j < d; j++) {
    let s = A[j * d + j]!;
    for (let k = 0; k < j; k++) s -= L[j * d + k]! * L[j * d + k]!;
    if (s <= eps) {
      dropped[j] = 1;
      continue; // column j of L stays 0
    }
    const ljj = Math.sqrt(s);
    L[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = A[i * d + j]!;
      for (let k = 0; k < j; k++) t -= L[i * d + k]! * L[j * d + k]!;
      L[i * d + j] = t / ljj;
    }
  }
  // forward: L z = b, backward: L^T x = z, skipping dropped directions
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    if (dropped[i]) continue;
    let t = b[i]!;
    for (let k = 0; k < i; k++) t -= L[i * d + k]! * z[k]!;
    z[i] = t / L[i * d + i]!;
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    if (dropped[i]) continue;
    let t = z[i]!;
    for (let k = i + 1; k < d; k++) t -= L[k * d + i]! * x[k]!;
    x[i] = t / L[i * d + i]!;
  }
  return x;
}

/** X^T X (d x d) and X^T y of a row-major n x d matrix, in float64. */
export function gram(X: Float64Array, y: Float64Array, n: number, d: number): { XtX: Float64Array; Xty: Float64Array } {
  const XtX = new Float64Array(d * d);
  const Xty = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const off = i * d;
    const yi = y[i]!;
    for (let a = 0; a < d; a++) {
      const xa = X[off + a]!;
      if (xa === 0) continue;
      Xty[a]! += xa * yi;
      const row = a * d;
      for (let b = a; b < d; b++) XtX[row + b]! += xa * X[off + b]!;
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) XtX[a * d + b] = XtX[b * d + a]!;
  return { XtX, Xty };
}
