import { EXP_WASM } from "../wasm/exp.wasm";
import { compileKernel, instantiate, sharedMemory, type SharedKernelMemory } from "../wasm/loader";
import type { HistTeam } from "../tree/hist-team";
import { softmaxRows } from "./losses";

/** wasm/exp.wat's exports; pointers are byte offsets into its (shared) memory. */
export interface ExpKernel {
  exp(values: number, i: number, n: number): number;
  shift(values: number, rows: number, k: number): void;
  normalize(values: number, rows: number, k: number): void;
  softprobShift(raw: number, out: number, n: number, k: number, from: number, to: number): void;
  softprobFinish(y: number, g: number, h: number, n: number, k: number, from: number, to: number): void;
  logisticGrad(e: number, y: number, g: number, h: number, i: number, n: number, spw: number): number;
  negate(src: number, dst: number, n: number): void;
  logisticPairs(e: number, y: number, ab: number, sums: number, n: number, spw: number): number;
}

/** A shared memory of at least `bytes` with the exp kernel on it, or undefined where WebAssembly (SIMD, shared memory) is not available. */
export function expMemory(bytes: number): SharedKernelMemory | undefined {
  if (!compileKernel(EXP_WASM)) return undefined;
  try {
    return sharedMemory(bytes);
  } catch {
    return undefined;
  }
}

/** This thread's instance of the exp kernel over `memory` (from expMemory, maybe another thread's). */
export function expKernel(memory: SharedKernelMemory): ExpKernel | undefined {
  const module = compileKernel(EXP_WASM);
  try {
    return module ? instantiate<ExpKernel>(module, memory) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * view = Math.exp(view), to the bit: two values at a time in the kernel (when `view` lies in its
 * memory), Math.exp for the values it leaves (|x| >= 704, NaN, an odd last one) or throughout
 * without a kernel.
 */
export function expInPlace(kernel: ExpKernel | undefined, view: Float64Array): void {
  const n = view.length;
  if (!kernel) {
    for (let i = 0; i < n; i++) view[i] = Math.exp(view[i]!);
    return;
  }
  const at = view.byteOffset;
  for (let i = kernel.exp(at, 0, n); i < n; i = kernel.exp(at, i, n)) {
    // the pair (or last value) the kernel left
    const end = Math.min(n, i + 2);
    for (; i < end; i++) view[i] = Math.exp(view[i]!);
  }
}

/**
 * A float64 buffer whose values `expInPlace` replaces by their Math.exp, the same numbers to the
 * bit: two at a time in WebAssembly SIMD (wasm/exp.wat, fdlibm's exp as V8's) where it can, with
 * Math.exp for the values it leaves (|x| >= 704, NaN, an odd last one), or Math.exp throughout where
 * WebAssembly SIMD is not available. About 3x faster than a loop over Math.exp. `softmax` does
 * softmaxRows around those exponentials, and with room for `rows` rows, `logisticGradients` the
 * gradients of binary:logistic from them.
 */
export class ExpBuffer {
  /** The values, length `size`. */
  readonly values: Float64Array;
  private readonly kernel: ExpKernel | undefined;
  /** After the values in the memory: each row's label, g and h (`rows` each), for logisticGradients. */
  private readonly rowParts: { y: Float64Array; g: Float64Array; h: Float64Array } | undefined;
  /** The labels last copied into rowParts.y (taken to be unchanged while the same array is passed). */
  private labels: Float64Array | undefined;

  /** @param rows room for this many rows' labels and gradients (softprobGradients), default none. */
  constructor(readonly size: number, readonly rows = 0) {
    const mem = expMemory(8 * Math.max(1, size + 3 * rows));
    const kernel = mem && expKernel(mem);
    this.kernel = kernel;
    if (mem && kernel) {
      this.values = new Float64Array(mem.buffer, 0, size);
      const part = (j: number) => new Float64Array(mem.buffer, 8 * (size + j * rows), rows);
      this.rowParts = { y: part(0), g: part(1), h: part(2) };
    } else this.values = new Float64Array(size);
  }

  /** values[0..n) = Math.exp(values[0..n)). */
  expInPlace(n = this.size): void {
    expInPlace(this.kernel, this.values.subarray(0, n));
  }

  /** values = softmaxRows(raw, k) (raw.length <= size, k >= 1): the same numbers, in WebAssembly where it can. */
  softmax(raw: Float64Array, k: number): void {
    this.values.set(raw);
    const kernel = this.kernel;
    if (!kernel) {
      softmaxRows(this.values, k);
      return;
    }
    const rows = raw.length / k;
    kernel.shift(0, rows, k);
    this.expInPlace(raw.length);
    kernel.normalize(0, rows, k);
  }

  /**
   * binary:logistic's gradients with values[i] = exp(-margin_i) for the n = y.length rows:
   * p = 1 / (1 + values[i]), w = scalePosWeight for y = 1 else 1, g = ([y = 1] − p) w,
   * h = max(p (1 − p) w, 1e-16), in WebAssembly where it can (the rest in JS, the same
   * arithmetic). Returns false, writing nothing, when the buffer holds fewer than n values.
   */
  logisticGradients(y: Float64Array, scalePosWeight: number, g: Float64Array, h: Float64Array): boolean {
    const kernel = this.kernel, parts = this.rowParts, n = y.length;
    if (n > this.size) return false;
    let done = 0;
    if (kernel && parts && n === this.rows) {
      if (this.labels !== y) {
        parts.y.set(y);
        this.labels = y;
      }
      const at = (a: Float64Array) => a.byteOffset;
      done = kernel.logisticGrad(0, at(parts.y), at(parts.g), at(parts.h), 0, n, scalePosWeight);
      g.set(parts.g.subarray(0, done));
      h.set(parts.h.subarray(0, done));
    }
    const ex = this.values;
    for (let i = done; i < n; i++) {
      const p = 1 / (1 + ex[i]!);
      const w = y[i] === 1 ? scalePosWeight : 1;
      g[i] = ((y[i] === 1 ? 1 : 0) - p) * w;
      h[i] = Math.max(p * (1 - p) * w, 1e-16);
    }
    return true;
  }
}

/**
 * The binary log loss's negative gradients and hessians at raw log-odds, for every row:
 * p = sigmoid(raw) = 1 / (1 + exp(-raw)), w = scalePosWeight for y = 1 else 1,
 * g = ([y = 1] − p) w, h = max(p (1 − p) w, 1e-16): the exponentials in one `expInPlace` and the
 * rest in WebAssembly where it can, the same numbers as the scalar loop. Answers the buffer it
 * used (`buffer` unless missing or of another size), to pass again with the same `y` next round.
 */
export function logisticGradients(buffer: ExpBuffer | undefined, y: Float64Array, raw: Float64Array, scalePosWeight: number, g: Float64Array, h: Float64Array): ExpBuffer {
  const n = y.length;
  const e = buffer?.size === n ? buffer : new ExpBuffer(n, n);
  const ex = e.values;
  for (let i = 0; i < n; i++) ex[i] = -raw[i]!;
  e.expInPlace();
  e.logisticGradients(y, scalePosWeight, g, h);
  return e;
}

/**
 * binary:logistic's gradients written straight into a HistTeam's pairs, for trees of every row in
 * order: the raw scores, the labels and the exponentials are the team's `values` (LogisticPairs.VALUES
 * per row), so that the kernels, on the team's memory, read and write nothing else. One pass
 * replaces the gradients' copies into g and h and the builder's pass pairing them (fillPairs); the
 * same numbers, and the same sums, to the bit.
 */
export class LogisticPairs {
  /** Float64 per row of the team's `values`: the raw scores, the labels and the exponentials. */
  static readonly VALUES = 3;
  /** The raw scores (log-odds), one per row, in the team's memory: the fit's. */
  readonly raw: Float64Array;
  private readonly e: Float64Array;
  private readonly y: Float64Array;
  /** The sums of g and h, for the kernel. */
  private readonly sums: Float64Array;

  private constructor(private readonly team: HistTeam, private readonly kernel: ExpKernel, y: Float64Array, private readonly scalePosWeight: number) {
    const n = y.length, v = team.values;
    this.raw = v.subarray(0, n);
    this.y = v.subarray(n, 2 * n);
    this.e = v.subarray(2 * n, 3 * n);
    this.sums = v.subarray(3 * n, 3 * n + 2);
    this.y.set(y);
  }

  /** Float64 of a team's `values` for n rows. */
  static valuesFor(n: number): number {
    return LogisticPairs.VALUES * n + 2;
  }

  /** LogisticPairs for the labels y on `team` (made with `valuesFor(y.length)` values), or undefined where the exp kernel does not run on its memory. */
  static on(team: HistTeam, y: Float64Array, scalePosWeight: number): LogisticPairs | undefined {
    const kernel = team.values.length >= LogisticPairs.valuesFor(y.length) ? expKernel(team.shared.memory) : undefined;
    return kernel && new LogisticPairs(team, kernel, y, scalePosWeight);
  }

  /**
   * Writes every row's (g, h) at `raw` into the team's pairs (logisticGradients' numbers) and
   * hands the team their sums (see HistTeam.preparedPairs).
   */
  compute(): void {
    const { kernel, e, y, sums, scalePosWeight: spw } = this;
    const n = y.length, ab = this.team.ab;
    kernel.negate(this.raw.byteOffset, e.byteOffset, n);
    expInPlace(kernel, e);
    sums.fill(0);
    const done = kernel.logisticPairs(e.byteOffset, y.byteOffset, ab.byteOffset, sums.byteOffset, n, spw);
    let sg = sums[0]!, sh = sums[1]!;
    for (let i = done; i < n; i++) {
      const p = 1 / (1 + e[i]!);
      const w = y[i] === 1 ? spw : 1;
      const g = ((y[i] === 1 ? 1 : 0) - p) * w, h = Math.max(p * (1 - p) * w, 1e-16);
      ab[2 * i] = g;
      ab[2 * i + 1] = h;
      sg += g;
      sh += h;
    }
    this.team.preparedPairs = [sg, sh];
  }
}
