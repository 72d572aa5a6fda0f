/**
 * The one WebAssembly loader of ml-core. Every kernel is a `.wat` file in this folder, compiled by
 * scripts/wasm.mjs (wabt) into a `.wasm.ts` holding its bytes as base64; this module checks what
 * the runtime can run, compiles each kernel once per process, makes memories and instantiates.
 * Kernels import their memory as "env.memory".
 */

/** The WebAssembly API of Node and browsers (its types come with lib.dom, which this package does not load). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => { readonly buffer: ArrayBuffer | SharedArrayBuffer };
}

/** A compiled kernel module (a WebAssembly.Module). */
export type KernelModule = object;

/** A shared WebAssembly memory (it can be posted to worker threads). */
export interface SharedKernelMemory {
  readonly buffer: SharedArrayBuffer;
}

/** A WebAssembly memory of this thread. */
export interface KernelMemory {
  readonly buffer: ArrayBuffer;
}

/** Most bytes of a kernel memory: below 2 GiB, so that every address is a positive int32. */
export const MAX_KERNEL_BYTES = 32768 * 65536;
const PAGE = 65536;

function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/**
 * The capability check: whether this runtime has WebAssembly and validates `bytes`, i.e. has
 * every feature the module uses (SIMD, shared memory and atomics).
 */
export function canRun(bytes: Uint8Array): boolean {
  const api = wasmApi();
  try {
    return api !== undefined && api.validate(bytes);
  } catch {
    return false;
  }
}

const compiled = new Map<string, KernelModule | null>();

/**
 * The compiled module of a kernel's bytes (base64, from its `.wasm.ts`), once per process; null
 * where the runtime cannot run it (see `canRun`), and the caller falls back to its JS loops.
 */
export function compileKernel(base64: string): KernelModule | null {
  let module = compiled.get(base64);
  if (module !== undefined) return module;
  const bytes = Uint8Array.from(Buffer.from(base64, "base64"));
  try {
    module = canRun(bytes) ? new (wasmApi()!.Module)(bytes) : null;
  } catch {
    module = null;
  }
  compiled.set(base64, module);
  return module;
}

/** Pages for `bytes`; throws a RangeError beyond MAX_KERNEL_BYTES. */
function pagesFor(bytes: number): number {
  if (bytes > MAX_KERNEL_BYTES) throw new RangeError(`${bytes} bytes do not fit in one WebAssembly memory`);
  return Math.max(1, Math.ceil(bytes / PAGE));
}

/** A shared memory of at least `bytes`, fixed in size; throws where shared memory is not available or `bytes` exceeds MAX_KERNEL_BYTES. */
export function sharedMemory(bytes: number): SharedKernelMemory {
  const pages = pagesFor(bytes);
  return new (wasmApi()!.Memory)({ initial: pages, maximum: pages, shared: true }) as SharedKernelMemory;
}

/** A memory of this thread of at least `bytes`; throws where it cannot be had or `bytes` exceeds MAX_KERNEL_BYTES. */
export function memory(bytes: number): KernelMemory {
  return new (wasmApi()!.Memory)({ initial: pagesFor(bytes) }) as KernelMemory;
}

/** An instance of `module` over `memory` (in this thread): its exports, typed by the caller. */
export function instantiate<T>(module: KernelModule, memory: KernelMemory | SharedKernelMemory): T {
  return new (wasmApi()!.Instance)(module, { env: { memory } }).exports as unknown as T;
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
