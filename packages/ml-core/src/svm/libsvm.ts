/** The parts of libsvm-js's `SVM` class that SVC uses. */
export interface LibsvmModel {
  train(samples: number[][], labels: number[]): void;
  serializeModel(): string;
  getSVIndices(): number[];
  free(): void;
}

/** libsvm-js's `SVM` constructor with its option enums. */
export interface LibsvmClass {
  new (options: Record<string, unknown>): LibsvmModel;
  readonly KERNEL_TYPES: Record<"LINEAR" | "POLYNOMIAL" | "RBF" | "SIGMOID", string>;
  readonly SVM_TYPES: Record<"C_SVC", string>;
}

let loading: Promise<LibsvmClass> | undefined;

/**
 * Loads libsvm (compiled to WebAssembly by libsvm-js) once per process. The WebAssembly build
 * trains about 2.5x faster than the asm.js one here. The emscripten runtime installs a
 * process-wide `unhandledRejection` handler that calls `process.exit(1)`; it is removed again so
 * that loading SVC cannot change how the host app handles errors, and its two warnings about
 * falling back from streaming compilation (harmless in Node) are dropped.
 */
export function loadLibsvm(): Promise<LibsvmClass> {
  if (!loading) {
    loading = (async () => {
      const before = new Set(process.listeners("unhandledRejection"));
      const warn = console.warn;
      console.warn = (...args: unknown[]) => {
        if (typeof args[0] === "string" && /^(wasm streaming compile failed|falling back to ArrayBuffer)/.test(args[0])) return;
        warn.apply(console, args);
      };
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return (await (require("libsvm-js") as Promise<LibsvmClass>));
      } finally {
        console.warn = warn;
        for (const l of process.listeners("unhandledRejection")) if (!before.has(l)) process.off("unhandledRejection", l);
      }
    })();
  }
  return loading;
}
