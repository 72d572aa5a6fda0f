import type { Matrix } from "../core/matrix";
import { MATVEC_WASM } from "../wasm/matvec.wasm";
import { compileKernel, instantiate, memory, type KernelMemory } from "../wasm/loader";

/**
 * The two matrix-vector products of a linear model's loss, in float64: the scores
 * z = b + X w and the gradient X^T g. Rows go in blocks of 4; `z` and `g` hold one entry per
 * row, padded with zeros to a multiple of 4 rows (give padding rows weight 0).
 *
 * Two implementations with the same arithmetic, so the same result to the bit:
 * - WebAssembly SIMD (two float64 lanes; no bounds checks): X copied once into the module's
 *   memory, columns padded with zeros to an even count. About 3x faster than the JS loops on
 *   churn (5634 x 40).
 * - plain JS over X in place, when WebAssembly is unavailable or the copy would be too large.
 *
 * The arithmetic of both: z_r = (b + sum of w_j x_rj over even j) + sum over odd j, each sum
 * running over j in order (the two lanes); grad_j = sum over blocks of
 * (((g_0 x_0j + g_1 x_1j) + g_2 x_2j) + g_3 x_3j) in block order.
 */
export interface RowBlocks {
  /** Rows, padded to a multiple of 4. */
  readonly rows: number;
  /** Scores of the last `scores` call. */
  readonly z: Float64Array;
  /** The per-row factors `gradient` uses; set by the caller. */
  readonly g: Float64Array;
  /** z = b + X w[0..cols). */
  scores(w: Float64Array, b: number): void;
  /** out[0..cols) = X^T g. */
  gradient(out: Float64Array): void;
}

/** The fastest `RowBlocks` available for X. */
export function rowBlocks(X: Matrix): RowBlocks {
  return wasmRowBlocks(X) ?? jsRowBlocks(X);
}

// The objects are plain literals whose methods call module-level functions with typed arrays and
// numbers: V8 keeps type feedback and optimised code per function, and optimised code that read
// the fields of a class instance was thrown away when the next fit made a new one.

/** Plain-JS `RowBlocks` over X in place; when rows % 4 != 0 the last block is rows n-4..n-1 again. */
export function jsRowBlocks(X: Matrix): RowBlocks {
  const { data, rows: n, cols: d } = X;
  const rows = 4 * Math.ceil(n / 4);
  const z = new Float64Array(rows);
  const g = new Float64Array(rows);
  const lastG = new Float64Array(4);
  return {
    rows,
    z,
    g,
    scores: (w, b) => jsScores(data, n, d, w, b, z),
    gradient: (out) => jsGradient(data, n, d, g, lastG, out),
  };
}

function jsScores(data: Float64Array, n: number, d: number, w: Float64Array, b: number, z: Float64Array): void {
  const blocks = Math.ceil(n / 4);
  const d2 = d - (d % 2);
  for (let k = 0; k < blocks; k++) {
    // rows i..i+3; the last block overlaps the one before when n % 4 != 0 (scores are just computed twice)
    const i = n >= 4 ? Math.min(4 * k, n - 4) : 0;
    const m = Math.min(4, n);
    const o0 = i * d;
    const o1 = m > 1 ? o0 + d : o0;
    const o2 = m > 2 ? o1 + d : o0;
    const o3 = m > 3 ? o2 + d : o0;
    let e0 = 0;
    let e1 = 0;
    let e2 = 0;
    let e3 = 0;
    let f0 = 0;
    let f1 = 0;
    let f2 = 0;
    let f3 = 0;
    let j = 0;
    for (; j < d2; j += 2) {
      const wa = w[j]!;
      const wb = w[j + 1]!;
      e0 += wa * data[o0 + j]!;
      e1 += wa * data[o1 + j]!;
      e2 += wa * data[o2 + j]!;
      e3 += wa * data[o3 + j]!;
      f0 += wb * data[o0 + j + 1]!;
      f1 += wb * data[o1 + j + 1]!;
      f2 += wb * data[o2 + j + 1]!;
      f3 += wb * data[o3 + j + 1]!;
    }
    if (j < d) {
      const wa = w[j]!;
      e0 += wa * data[o0 + j]!;
      e1 += wa * data[o1 + j]!;
      e2 += wa * data[o2 + j]!;
      e3 += wa * data[o3 + j]!;
    }
    z[i] = b + e0 + f0;
    if (m > 1) z[i + 1] = b + e1 + f1;
    if (m > 2) z[i + 2] = b + e2 + f2;
    if (m > 3) z[i + 3] = b + e3 + f3;
  }
}

function jsGradient(data: Float64Array, n: number, d: number, g: Float64Array, lastG: Float64Array, out: Float64Array): void {
  out.fill(0, 0, d);
  const full = n >> 2;
  for (let k = 0; k < full; k++) {
    const i = 4 * k;
    addBlock(data, d, i * d, (i + 1) * d, (i + 2) * d, (i + 3) * d, g[i]!, g[i + 1]!, g[i + 2]!, g[i + 3]!, out);
  }
  const rest = n % 4;
  if (rest === 0) return;
  if (n >= 4) {
    // rows n-4..n-1, the first 4 - rest of them counted already
    for (let r = 0; r < 4; r++) lastG[r] = r < 4 - rest ? 0 : g[n - 4 + r]!;
    const o = (n - 4) * d;
    addBlock(data, d, o, o + d, o + 2 * d, o + 3 * d, lastG[0]!, lastG[1]!, lastG[2]!, lastG[3]!, out);
  } else {
    // fewer than 4 rows: row 0 stands in for the missing ones, with factor 0
    for (let r = 0; r < 4; r++) lastG[r] = r < n ? g[r]! : 0;
    const o = (r: number) => (r < n ? r * d : 0);
    addBlock(data, d, o(0), o(1), o(2), o(3), lastG[0]!, lastG[1]!, lastG[2]!, lastG[3]!, out);
  }
}

/** out[0..d) += the rows at offsets o0..o3 times g0..g3. */
function addBlock(data: Float64Array, d: number, o0: number, o1: number, o2: number, o3: number, g0: number, g1: number, g2: number, g3: number, out: Float64Array): void {
  for (let j = 0; j < d; j++) out[j]! += g0 * data[o0 + j]! + g1 * data[o1 + j]! + g2 * data[o2 + j]! + g3 * data[o3 + j]!;
}

type ScoresFn = (x: number, blocks: number, dp: number, w: number, z: number, b: number) => void;
type GradientFn = (x: number, blocks: number, dp: number, g: number, grad: number) => void;
/** The exports of wasm/matvec.wat. */
interface MatvecKernels {
  readonly scores: ScoresFn;
  readonly gradient: GradientFn;
}

/** Most bytes of module memory a problem may take (X, padded, is most of it). */
const MAX_BYTES = 1 << 30;

/**
 * `RowBlocks` in WebAssembly SIMD over a padded copy of X in a new instance's memory; undefined
 * without WebAssembly SIMD or when X is too large.
 */
export function wasmRowBlocks(X: Matrix): RowBlocks | undefined {
  const module = compileKernel(MATVEC_WASM);
  if (!module) return undefined;
  const { data, rows: n, cols: d } = X;
  const rows = 4 * Math.ceil(n / 4);
  const dp = Math.max(2, d + (d % 2));
  // layout in bytes, every part a multiple of 16: X (rows x dp), w (dp), z (rows), g (rows), grad (dp)
  const xp = 0;
  const wp = xp + 8 * rows * dp;
  const zp = wp + 8 * dp;
  const gp = zp + 8 * rows;
  const gradp = gp + 8 * rows;
  const bytes = gradp + 8 * dp;
  if (bytes > MAX_BYTES) return undefined;
  let mem: KernelMemory;
  let kernels: MatvecKernels;
  try {
    mem = memory(bytes);
    kernels = instantiate<MatvecKernels>(module, mem);
  } catch {
    return undefined; // no memory that large here: the JS loops do without a copy
  }
  const { scores, gradient } = kernels;
  const buffer = mem.buffer;
  const padded = new Float64Array(buffer, xp, rows * dp);
  if (dp === d) padded.set(data);
  else for (let i = 0; i < n; i++) padded.set(data.subarray(i * d, (i + 1) * d), i * dp);
  const wm = new Float64Array(buffer, wp, dp);
  const gradm = new Float64Array(buffer, gradp, dp);
  return {
    rows,
    z: new Float64Array(buffer, zp, rows),
    g: new Float64Array(buffer, gp, rows),
    scores: (w, b) => {
      copy(w, wm, d);
      scores(xp, rows >> 2, dp, wp, zp, b);
    },
    gradient: (out) => {
      gradm.fill(0);
      gradient(xp, rows >> 2, dp, gp, gradp);
      copy(gradm, out, d);
    },
  };
}

/** to[0..n) = from[0..n) */
function copy(from: Float64Array, to: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) to[j] = from[j]!;
}
