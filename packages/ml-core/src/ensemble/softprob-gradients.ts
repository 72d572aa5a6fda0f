import { sharedArray } from "../core/shared-array";
import type { SharedKernelMemory } from "../wasm/loader";
import { expInPlace, expKernel, expMemory, type ExpKernel } from "./exp-buffer";

/** XGBoost's floor on hessians (kRtEps-like 1e-16 in its objectives). */
const MIN_HESS = 1e-16;

/** What a SoftprobGradients is made of (it can be posted to worker threads, which attach to it). */
export interface SoftprobShared {
  readonly n: number;
  readonly k: number;
  /** The exp kernel's memory, or a plain shared buffer where WebAssembly is not available. */
  readonly memory: SharedKernelMemory | SharedArrayBuffer;
}

/**
 * multi:softprob's numbers of a boosting round, class-major (class c's value of row i at c n + i),
 * in one shared memory: the labels `y`, the raw scores `raw` (k n), and from them per class the
 * negative gradient g = [y = c] − p (`g`, k n) and the hessian h = max(2 p (1 − p), 1e-16) (`h`),
 * p the softmax of the row's raw scores. `compute` takes any range of rows, so a boosting team's
 * threads (each attached to the same memory) split a round's rows between them. In WebAssembly
 * SIMD two rows at a time where it can (wasm/exp.wat); the numbers are softmaxRows's and the
 * formulas' to the bit either way.
 */
export class SoftprobGradients {
  readonly y: Float64Array;
  readonly raw: Float64Array;
  readonly g: Float64Array;
  readonly h: Float64Array;
  readonly shared: SoftprobShared;
  private readonly kernel: ExpKernel | undefined;

  /** New numbers for n rows and k classes, or this thread's view of another's (`shared`). */
  constructor(n: number, k: number, shared?: SoftprobShared) {
    // a 16-byte pad: the kernel's odd last row reads (and drops) the slot after it
    const bytes = 8 * n * (1 + 3 * k) + 16;
    const memory = shared?.memory ?? expMemory(bytes) ?? (sharedArray(Uint8Array, bytes).buffer as unknown as SharedArrayBuffer);
    this.shared = { n, k, memory };
    const plain = memory instanceof SharedArrayBuffer;
    const buffer = plain ? memory : memory.buffer;
    this.kernel = plain ? undefined : expKernel(memory);
    const part = (at: number, length: number) => new Float64Array(buffer, 8 * at, length);
    this.y = part(0, n);
    this.raw = part(n, k * n);
    this.g = part(n + k * n, k * n);
    this.h = part(n + 2 * k * n, k * n);
  }

  /** This thread's view of the numbers `shared` (made by another thread). */
  static attach(shared: SoftprobShared): SoftprobGradients {
    return new SoftprobGradients(shared.n, shared.k, shared);
  }

  /** g and h of every class for rows [from, to) from their raw scores. */
  compute(from = 0, to = this.shared.n): void {
    const { n, k } = this.shared;
    if (to <= from) return;
    const kernel = this.kernel;
    if (!kernel) return this.computeJs(from, to);
    const at = (a: Float64Array) => a.byteOffset;
    kernel.softprobShift(at(this.raw), at(this.g), n, k, from, to);
    for (let c = 0; c < k; c++) expInPlace(kernel, this.g.subarray(c * n + from, c * n + to));
    kernel.softprobFinish(at(this.y), at(this.g), at(this.h), n, k, from, to);
  }

  /** `compute` in JS: the same arithmetic, row by row. */
  computeJs(from = 0, to = this.shared.n): void {
    const { n, k } = this.shared;
    const { y, raw, g, h } = this;
    for (let i = from; i < to; i++) {
      let m = -Infinity;
      for (let c = 0; c < k; c++) if (raw[c * n + i]! > m) m = raw[c * n + i]!;
      let s = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(raw[c * n + i]! - m);
        g[c * n + i] = e;
        s += e;
      }
      for (let c = 0; c < k; c++) {
        const p = g[c * n + i]! / s;
        g[c * n + i] = (y[i] === c ? 1 : 0) - p;
        h[c * n + i] = Math.max(2 * p * (1 - p), MIN_HESS);
      }
    }
  }
}
