import type { Matrix } from "../core/matrix";

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

/** The WebAssembly API of Node and browsers (its types come with lib.dom, which this package does not load). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
}

type ScoresFn = (x: number, blocks: number, dp: number, w: number, z: number, b: number) => void;
type GradientFn = (x: number, blocks: number, dp: number, g: number, grad: number) => void;

/** Most bytes of module memory a problem may take (X, padded, is most of it). */
const MAX_BYTES = 1 << 30;

/**
 * `RowBlocks` in WebAssembly SIMD over a padded copy of X in a new instance's memory; undefined
 * without WebAssembly SIMD or when X is too large.
 */
export function wasmRowBlocks(X: Matrix): RowBlocks | undefined {
  const module = wasmModule();
  const api = wasmApi();
  if (!module || !api) return undefined;
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
  let memory: { readonly buffer: ArrayBuffer };
  let exports: Record<string, unknown>;
  try {
    memory = new api.Memory({ initial: Math.ceil(bytes / 65536) });
    exports = new api.Instance(module, { env: { memory } }).exports;
  } catch {
    return undefined; // no memory that large here: the JS loops do without a copy
  }
  const scores = exports.scores as ScoresFn;
  const gradient = exports.gradient as GradientFn;
  const buffer = memory.buffer;
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

function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

let compiled: object | null | undefined;

/** The compiled kernels, once per process; null where WebAssembly SIMD is not available. */
function wasmModule(): object | null {
  if (compiled !== undefined) return compiled;
  const api = wasmApi();
  const bytes = kernelBytes();
  compiled = api && api.validate(bytes) ? new api.Module(bytes) : null;
  return compiled;
}

// ---------------------------------------------------------------------------------------------
// The module, written out instruction by instruction (WebAssembly 1.0 + fixed-width SIMD).
// Pointers are byte offsets into the imported memory "env.memory". A row is dp float64 values
// (dp even), so a pair of columns is one v128 (lane 0 the even column, lane 1 the odd one).
//
// scores(x, blocks, dp, w, z, b):              gradient(x, blocks, dp, g, grad):
//   for each block of rows x0..x3:               for each block of rows x0..x3:
//     acc_r = (0, 0)                               g_r = splat(g[r])
//     for each column pair p:                      for each column pair p:
//       acc_r += w[p] * x_r[p]                       grad[p] += ((g_0 x_0[p] + g_1 x_1[p]) + g_2 x_2[p]) + g_3 x_3[p]
//     z[r] = (b + acc_r.lane0) + acc_r.lane1       g += 4
//     z += 4, x += 4 rows                          x += 4 rows

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

const simd = (opcode: number, ...immediates: number[]) => [0xfd, ...uleb(opcode), ...immediates];
/** alignment 2^3 (8 bytes) and the offset, for loads and stores */
const memarg = (offset: number) => [3, ...uleb(offset)];
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  tee: (local: number) => [0x22, ...uleb(local)],
  i32: (value: number) => [0x41, ...sleb(value)],
  i32Eqz: [0x45],
  i32LtU: [0x49],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Shl: [0x74],
  f64Load: (offset: number) => [0x2b, ...memarg(offset)],
  f64Store: (offset: number) => [0x39, ...memarg(offset)],
  f64Add: [0xa0],
  v128Load: (offset: number) => simd(0x00, ...memarg(offset)),
  v128Store: (offset: number) => simd(0x0b, ...memarg(offset)),
  v128Zero: simd(0x0c, ...new Array<number>(16).fill(0)),
  f64x2Splat: simd(0x14),
  f64x2Lane: (lane: number) => simd(0x21, lane),
  f64x2Add: simd(0xf0),
  f64x2Mul: simd(0xf2),
};

type Code = number | readonly Code[];
function seq(...parts: Code[]): number[] {
  const out: number[] = [];
  const add = (c: Code) => (typeof c === "number" ? out.push(c) : c.forEach(add));
  parts.forEach(add);
  return out;
}

// locals shared by both functions: params x, blocks, dp, (w | g), (z | grad); then rowBytes, j, x1, x2, x3
const X0 = 0;
const BLOCKS = 1;
const DP = 2;
const ROW_BYTES = 5;
const J = 6;
const XR = [X0, 7, 8, 9] as const;
const SCORES_W = 3;
const SCORES_Z = 4;
const SCORES_B = 5; // the sixth param, f64; it shifts the locals of `scores` by one
const GRAD_G = 3;
const GRAD_OUT = 4;

/** The loop over blocks of 4 rows around `body`, with `next` (pointer advance) after it; locals shifted by `s`. */
function overBlocks(s: number, body: Code, next: Code): number[] {
  const rb = ROW_BYTES + s;
  const x = (r: number) => (r === 0 ? X0 : XR[r]! + s);
  return seq(
    op.get(DP), op.i32(3), op.i32Shl, op.set(rb),
    op.block, op.loop,
    op.get(BLOCKS), op.i32Eqz, op.brIf(1),
    op.get(X0), op.get(rb), op.i32Add, op.tee(x(1)), op.get(rb), op.i32Add, op.tee(x(2)), op.get(rb), op.i32Add, op.set(x(3)),
    body,
    next,
    op.get(x(3)), op.get(rb), op.i32Add, op.set(X0),
    op.get(BLOCKS), op.i32(1), op.i32Sub, op.set(BLOCKS),
    op.br(0), op.end, op.end,
  );
}

/** do { body } while ((j += 16) < rowBytes), from j = 0 (dp >= 2, so at least once). */
function overColumnPairs(s: number, body: Code): number[] {
  const j = J + s;
  return seq(op.i32(0), op.set(j), op.loop, body, op.get(j), op.i32(16), op.i32Add, op.tee(j), op.get(ROW_BYTES + s), op.i32LtU, op.brIf(0), op.end);
}

function scoresCode(): number[] {
  const s = 1;
  const x = (r: number) => (r === 0 ? X0 : XR[r]! + s);
  const j = J + s;
  const acc = (r: number) => 10 + s + r; // v128 locals after the five i32 ones
  const wv = 14 + s;
  const body = seq(
    [0, 1, 2, 3].map((r) => seq(op.v128Zero, op.set(acc(r)))),
    overColumnPairs(s, seq(
      op.get(SCORES_W), op.get(j), op.i32Add, op.v128Load(0), op.set(wv),
      [0, 1, 2, 3].map((r) => seq(op.get(acc(r)), op.get(wv), op.get(x(r)), op.get(j), op.i32Add, op.v128Load(0), op.f64x2Mul, op.f64x2Add, op.set(acc(r)))),
    )),
    [0, 1, 2, 3].map((r) => seq(op.get(SCORES_Z), op.get(SCORES_B), op.get(acc(r)), op.f64x2Lane(0), op.f64Add, op.get(acc(r)), op.f64x2Lane(1), op.f64Add, op.f64Store(8 * r))),
  );
  return overBlocks(s, body, seq(op.get(SCORES_Z), op.i32(32), op.i32Add, op.set(SCORES_Z)));
}

function gradientCode(): number[] {
  const x = (r: number) => XR[r]!;
  const gs = (r: number) => 10 + r; // v128 locals: the 4 factors, splat
  const body = seq(
    [0, 1, 2, 3].map((r) => seq(op.get(GRAD_G), op.f64Load(8 * r), op.f64x2Splat, op.set(gs(r)))),
    overColumnPairs(0, seq(
      op.get(GRAD_OUT), op.get(J), op.i32Add, // address of the store
      op.get(GRAD_OUT), op.get(J), op.i32Add, op.v128Load(0),
      op.get(gs(0)), op.get(x(0)), op.get(J), op.i32Add, op.v128Load(0), op.f64x2Mul,
      [1, 2, 3].map((r) => seq(op.get(gs(r)), op.get(x(r)), op.get(J), op.i32Add, op.v128Load(0), op.f64x2Mul, op.f64x2Add)),
      op.f64x2Add, op.v128Store(0),
    )),
  );
  return overBlocks(0, body, seq(op.get(GRAD_G), op.i32(32), op.i32Add, op.set(GRAD_G)));
}

let bytesCache: Uint8Array | undefined;

/** The module's binary. */
function kernelBytes(): Uint8Array {
  if (bytesCache) return bytesCache;
  const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
  const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
  const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
  const func = (locals: [number, number][], code: number[]) => {
    const body = [...vec(locals.map(([count, type]) => [...uleb(count), type])), ...code, ...op.end];
    return [...uleb(body.length), ...body];
  };
  const funcType = (params: number[]) => [0x60, ...vec(params.map((p) => [p])), 0];
  bytesCache = new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([funcType([I32, I32, I32, I32, I32, F64]), funcType([I32, I32, I32, I32, I32])])),
    ...section(2, vec([[...name("env"), ...name("memory"), 0x02, 0x00, 0x01]])),
    ...section(3, vec([[0], [1]])),
    ...section(7, vec([[...name("scores"), 0x00, 0], [...name("gradient"), 0x00, 1]])),
    ...section(10, vec([func([[5, I32], [5, V128]], scoresCode()), func([[5, I32], [4, V128]], gradientCode())])),
  ]);
  return bytesCache;
}
