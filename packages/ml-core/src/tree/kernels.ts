import { HIST_KERNELS_WASM } from "./hist-kernels.wasm";

/** The WebAssembly API of Node and browsers (its types come with lib.dom, which this package does not load). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => KernelMemory;
}

/** A shared WebAssembly memory (it can be posted to worker threads). */
export interface KernelMemory {
  readonly buffer: SharedArrayBuffer;
}

/** The exports of hist-kernels.wat; every pointer is a byte address in the instance's memory. */
export interface Kernels {
  addInOrder(hist: number, codes: number, ab: number, m: number, nb: number, stride: number, twin: number): void;
  addRowMajor(hist: number, off: number, rowCodes: number, F: number, f0: number, f1: number, rows: number, m: number, ab: number, stride: number): void;
  addRows(hist: number, codes: number, rows: number, m: number, vec: number, width: number, nb: number, twin: number): number;
  partition(rows: number, start: number, end: number, codes: number, bin: number, missingLeft: number, out: number): number;
  subtract(big: number, small: number, n: number): void;
  drawScanGini(args: number): number;
}

/** Most bytes of a kernel memory: below 2 GiB, so that every address is a positive int32. */
export const MAX_KERNEL_BYTES = 32768 * 65536;

function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

let compiled: object | null | undefined;

/** The compiled kernels, once per process; null where WebAssembly SIMD and threads are not available. */
export function kernelModule(): object | null {
  if (compiled !== undefined) return compiled;
  const api = wasmApi();
  const bytes = Uint8Array.from(Buffer.from(HIST_KERNELS_WASM, "base64"));
  try {
    compiled = api && api.validate(bytes) ? new api.Module(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

/**
 * A memory of at least `bytes` for the kernels, with the compiled module; throws where WebAssembly
 * SIMD with shared memory is not available or `bytes` exceeds MAX_KERNEL_BYTES.
 */
export function kernelMemory(bytes: number): { module: object; memory: KernelMemory } {
  const module = kernelModule();
  if (!module) throw new Error("WebAssembly SIMD with shared memory is not available");
  if (bytes > MAX_KERNEL_BYTES) throw new RangeError(`${bytes} bytes do not fit in one WebAssembly memory`);
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  return { module, memory: new (wasmApi()!.Memory)({ initial: pages, maximum: pages, shared: true }) };
}

/** The kernels over `memory` (in this thread). */
export function instantiate(module: object, memory: KernelMemory): Kernels {
  const api = wasmApi()!;
  return new api.Instance(module, { env: { memory } }).exports as unknown as Kernels;
}

/** Lays out parts of a memory: `take(bytes)` returns the next address, 16-byte aligned. */
export function allocator(): { take: (bytes: number) => number; readonly end: () => number } {
  let at = 0;
  return {
    take: (bytes) => {
      const p = at;
      at += Math.ceil(bytes / 16) * 16;
      return p;
    },
    end: () => at,
  };
}
