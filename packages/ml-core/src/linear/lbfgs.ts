/** The objective an optimiser minimises: writes the gradient at `x` into `grad` and returns the value. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Settings of `lbfgs`. */
export interface LbfgsOptions {
  /** Most iterations (not function evaluations). */
  readonly maxIter: number;
  /** Stop when max |gradient| is at most this (scipy's `gtol`, which scikit-learn sets to `tol`). */
  readonly gtol: number;
  /** Stop when the relative decrease of the objective is at most this (scipy's default factr * eps). */
  readonly ftol?: number;
  /** Pairs of corrections kept (scipy's `maxcor`, 10 by default in scikit-learn). */
  readonly memory?: number;
  readonly onIteration?: (iter: number) => void;
}

/** What `lbfgs` found. */
export interface LbfgsResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly nIter: number;
  readonly converged: boolean;
}

/**
 * Minimises a smooth function with limited-memory BFGS (two-loop recursion, backtracking
 * Armijo line search), in float64. Starts at `x0` (not modified).
 * See Nocedal & Wright, Numerical Optimization, algorithm 7.5.
 */
export function lbfgs(fg: Objective, x0: Float64Array, options: LbfgsOptions): LbfgsResult {
  const n = x0.length;
  const m = options.memory ?? 10;
  const ftol = options.ftol ?? 2.220446049250313e-9;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = fg(x, g);
  // the last `m` correction pairs, in a ring: pair `k` (0 oldest) lives in slot (head + k) % m
  const S = Array.from({ length: m }, () => new Float64Array(n));
  const Y = Array.from({ length: m }, () => new Float64Array(n));
  const rho = new Float64Array(m);
  let sNew = new Float64Array(n);
  let yNew = new Float64Array(n);
  let head = 0;
  let count = 0;
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const alpha = new Float64Array(m);
  if (maxAbs(g) <= options.gtol) return { x, f, nIter: 0, converged: true };
  for (let iter = 1; iter <= options.maxIter; iter++) {
    direction(g, S, Y, rho, alpha, head, count, d);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      count = 0;
      negate(g, d);
      slope = dot(g, d);
    }
    let step = count === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    let fNew = Infinity;
    for (let ls = 0; ls < 40; ls++) {
      stepTo(x, step, d, xNew);
      fNew = fg(xNew, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= f)) return { x, f, nIter: iter, converged: false };
    const s = sNew;
    const y = yNew;
    difference(xNew, x, s);
    difference(gNew, g, y);
    const sy = dot(s, y);
    if (sy > 1e-10 * dot(y, y)) {
      // the new pair takes the slot after the newest (the oldest's, when full); its buffers become scratch
      const slot = count === m ? head : (head + count) % m;
      [S[slot], sNew] = [s, S[slot]!];
      [Y[slot], yNew] = [y, Y[slot]!];
      rho[slot] = 1 / sy;
      if (count === m) head = (head + 1) % m;
      else count++;
    }
    const fOld = f;
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    options.onIteration?.(iter);
    if (maxAbs(g) <= options.gtol) return { x, f, nIter: iter, converged: true };
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) return { x, f, nIter: iter, converged: true };
  }
  return { x, f, nIter: options.maxIter, converged: false };
}

// The vector loops are small functions of their own: V8 optimises small functions after a few
// calls, while the body of `lbfgs` (called once per fit) ran unoptimised for the first fits.

/**
 * d = -H g by the two-loop recursion over the `count` pairs (s, y) in the ring S, Y (pair k,
 * 0 the oldest, in slot (head + k) % m), scaled by s'y / y'y of the newest pair.
 */
function direction(g: Float64Array, S: Float64Array[], Y: Float64Array[], rho: Float64Array, alpha: Float64Array, head: number, count: number, d: Float64Array): void {
  const m = S.length;
  negate(g, d);
  for (let k = count - 1; k >= 0; k--) {
    const slot = (head + k) % m;
    const a = rho[slot]! * dot(S[slot]!, d);
    alpha[k] = a;
    axpy(-a, Y[slot]!, d);
  }
  if (count > 0) {
    const last = (head + count - 1) % m;
    scale(dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!), d);
  }
  for (let k = 0; k < count; k++) {
    const slot = (head + k) % m;
    const b = rho[slot]! * dot(Y[slot]!, d);
    axpy(alpha[k]! - b, S[slot]!, d);
  }
}

/** The dot product of two equally long vectors. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i]! += a * x[i]!;
}

/** out = -a */
function negate(a: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = -a[i]!;
}

/** a *= c */
function scale(c: number, a: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i]! *= c;
}

/** out = x + step * d */
function stepTo(x: Float64Array, step: number, d: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = x[i]! + step * d[i]!;
}

/** out = a - b */
function difference(a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i]! - b[i]!;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
