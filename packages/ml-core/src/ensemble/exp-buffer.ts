import { EXP_WASM } from "../wasm/exp.wasm";
import { compileKernel, instantiate, memory } from "../wasm/loader";
import { softmaxRows } from "./losses";

interface ExpKernel {
  exp(values: number, i: number, n: number): number;
  shift(values: number, rows: number, k: number): void;
  normalize(values: number, rows: number, k: number): void;
  softprobGrad(prob: number, y: number, g: number, h: number, n: number, k: number, c: number): void;
  logisticGrad(e: number, y: number, g: number, h: number, i: number, n: number, spw: number): number;
}

/**
 * A float64 buffer whose values `expInPlace` replaces by their Math.exp, the same numbers to the
 * bit: two at a time in WebAssembly SIMD (wasm/exp.wat, fdlibm's exp as V8's) where it can, with
 * Math.exp for the values it leaves (|x| >= 704, NaN, an odd last one), or Math.exp throughout where
 * WebAssembly SIMD is not available. About 3x faster than a loop over Math.exp. `softmax` does
 * softmaxRows around those exponentials, and with room for `rows` rows, `softprobGradients` and
 * `logisticGradients` the gradients of multi:softprob and binary:logistic from them.
 */
export class ExpBuffer {
  /** The values, length `size`. */
  readonly values: Float64Array;
  private readonly kernel: ExpKernel | undefined;
  /** After the values in the memory: each row's label, g and h (`rows` each), for softprobGradients. */
  private readonly rowParts: { y: Float64Array; g: Float64Array; h: Float64Array } | undefined;
  /** The labels last copied into rowParts.y. */
  private labels: Float64Array | undefined;

  /** @param rows room for this many rows' labels and gradients (softprobGradients), default none. */
  constructor(readonly size: number, readonly rows = 0) {
    const module = compileKernel(EXP_WASM);
    let kernel: ExpKernel | undefined;
    let values: Float64Array | undefined;
    if (module) {
      try {
        const mem = memory(8 * Math.max(1, size + 3 * rows));
        kernel = instantiate<ExpKernel>(module, mem);
        values = new Float64Array(mem.buffer, 0, size);
        const part = (j: number) => new Float64Array(mem.buffer, 8 * (size + j * rows), rows);
        this.rowParts = { y: part(0), g: part(1), h: part(2) };
      } catch {
        kernel = undefined;
      }
    }
    this.kernel = kernel;
    this.values = values ?? new Float64Array(size);
  }

  /** values[0..n) = Math.exp(values[0..n)). */
  expInPlace(n = this.size): void {
    const v = this.values, kernel = this.kernel;
    if (!kernel) {
      for (let i = 0; i < n; i++) v[i] = Math.exp(v[i]!);
      return;
    }
    for (let i = kernel.exp(0, 0, n); i < n; i = kernel.exp(0, i, n)) {
      // the pair (or last value) the kernel left
      const end = Math.min(n, i + 2);
      for (; i < end; i++) v[i] = Math.exp(v[i]!);
    }
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
   * multi:softprob's gradients of class c from the probabilities in values (rows x k): g = [y = c] − p,
   * h = max(2 p (1 − p), 1e-16), in WebAssembly. Returns false, writing nothing, where it cannot
   * (no kernel, or no room for the rows). `y` is copied in once and taken to be unchanged while the
   * same array is passed.
   */
  softprobGradients(y: Float64Array, k: number, c: number, g: Float64Array, h: Float64Array): boolean {
    const kernel = this.kernel, parts = this.rowParts, n = y.length;
    if (!kernel || !parts || n !== this.rows) return false;
    if (this.labels !== y) {
      parts.y.set(y);
      this.labels = y;
    }
    const at = (a: Float64Array) => a.byteOffset;
    kernel.softprobGrad(0, at(parts.y), at(parts.g), at(parts.h), n, k, c);
    g.set(parts.g);
    h.set(parts.h);
    return true;
  }

  /**
   * binary:logistic's gradients with values[i] = exp(-margin_i) for the n = y.length rows:
   * p = 1 / (1 + values[i]), w = scalePosWeight for y = 1 else 1, g = ([y = 1] − p) w,
   * h = max(p (1 − p) w, 1e-16), in WebAssembly where it can (the rest in JS, the same
   * arithmetic). Returns false, writing nothing, when the buffer holds fewer than n values; `y` as
   * for softprobGradients.
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
