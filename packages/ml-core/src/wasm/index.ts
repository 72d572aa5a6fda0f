/**
 * The one WebAssembly layer of ml-core: kernels written as WAT in this folder, compiled by
 * scripts/wasm.mjs into `.wasm.ts` modules, loaded by loader.ts (see there).
 */
export * from "./loader";
