import { HIST_KERNELS_WASM } from "../wasm/hist-kernels.wasm";
import { compileKernel, instantiate as instantiateKernel, sharedMemory, type KernelModule, type SharedKernelMemory } from "../wasm/loader";

/** The shared memory the tree kernels run over (it can be posted to worker threads). */
export type KernelMemory = SharedKernelMemory;

/** The exports of wasm/hist-kernels.wat; every pointer is a byte address in the instance's memory. */
export interface Kernels {
  addInOrder(hist: number, codes: number, ab: number, m: number, stride: number, twin: number): void;
  addInOrderPairs(hist: number, codes: number, ab: number, m: number, twin: number): void;
  mergeTwin(hist: number, twin: number, nb: number, stride: number): void;
  addRowMajor(hist: number, off: number, rowCodes: number, F: number, f0: number, f1: number, rows: number, m: number, ab: number, stride: number): void;
  gatherPairs(ord: number, ab: number, rows: number, m: number): void;
  addGathered(hist: number, codes: number, rows: number, ord: number, m: number, stride: number): void;
  addRowEntries(hist: number, entries: number, starts: number, rows: number, m: number, ab: number, stride: number): void;
  addRows(hist: number, codes: number, rows: number, m: number, cls: number, wt: number, cnt: number, width: number, nb: number, twin: number): number;
  partition(rows: number, start: number, end: number, codes: number, bin: number, missingLeft: number, out: number, tmp: number, missingCode: number): number;
  subtract(big: number, small: number, n: number): void;
  isIdentity(rows: number, m: number): number;
  drawScanGini(args: number): number;
  scanGradPlain(hist: number, off: number, F: number, args: number): number;
}

/** The compiled tree kernels, once per process; null where WebAssembly SIMD and threads are not available. */
export function kernelModule(): KernelModule | null {
  return compileKernel(HIST_KERNELS_WASM);
}

/**
 * A shared memory of at least `bytes` for the tree kernels, with the compiled module; throws where
 * WebAssembly SIMD with shared memory is not available or `bytes` exceeds the loader's MAX_KERNEL_BYTES.
 */
export function kernelMemory(bytes: number): { module: KernelModule; memory: KernelMemory } {
  const module = kernelModule();
  if (!module) throw new Error("WebAssembly SIMD with shared memory is not available");
  return { module, memory: sharedMemory(bytes) };
}

/** The tree kernels over `memory` (in this thread). */
export function instantiate(module: KernelModule, memory: KernelMemory): Kernels {
  return instantiateKernel<Kernels>(module, memory);
}
