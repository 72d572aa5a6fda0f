import { EXP_WASM } from "../wasm/exp.wasm";
import { compileKernel, instantiate, sharedMemory, type SharedKernelMemory } from "../wasm/loader";
import { softmaxRows } from "./losses";

/** wasm/exp.wat's exports; pointers are byte offsets into its (shared) memory. */
export interface ExpKernel {
  exp(values: number, i: number, n: number): number;
  shift(values: number, rows: number, k: number): void;
  normalize(values: number, rows: number, k: number): void;
  softprobShift(raw: number, out: number, n: number, k: number, from: number, to: number): void;
  softprobFinish(y: number, g: number, h: number, n: number, k: number, from: number, to: number): void;
  logisticGrad(e: number, y: number, g: number, h: number, i: number, n: number, spw: number): number;
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
