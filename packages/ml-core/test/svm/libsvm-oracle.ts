import type { Matrix } from "../../src/core/matrix";
import { KERNELS } from "../../src/svm/kernels";
import type { TrainedSvc, TrainOptions } from "../../src/svm/train";

/** The parts of libsvm-js's `SVM` class the oracle uses. */
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

/**
 * Trains C-SVC with libsvm itself (libsvm-js's WebAssembly build) on the same problem as
 * `svmTrain`, and returns the model in the same layout: the oracle our solver is tested against.
 */
export async function libsvmTrain(X: Matrix, rows: ArrayLike<number>, y: ArrayLike<number>, cost: (label: number) => number, o: TrainOptions): Promise<TrainedSvc> {
  const SVM = await loadLibsvm();
  const labels = [...new Set(Array.from(y))];
  const weight: Record<string, number> = {};
  for (const c of labels) weight[c] = cost(c);
  const svm = new SVM({
    type: SVM.SVM_TYPES.C_SVC,
    kernel: SVM.KERNEL_TYPES[KERNELS[o.kernel].libsvm],
    degree: o.degree,
    gamma: o.gamma,
    coef0: o.coef0,
    tolerance: o.tol,
    cacheSize: o.cacheSize,
    shrinking: o.shrinking,
    probabilityEstimates: false,
    quiet: true,
    cost: 1,
    weight,
  });
  const d = X.cols;
  const samples = Array.from(rows, (r) => Array.from(X.data.subarray(r * d, (r + 1) * d)));
  try {
    svm.train(samples, Array.from(y));
    return parseModel(svm.serializeModel(), svm.getSVIndices(), rows);
  } finally {
    svm.free();
  }
}

/** Reads libsvm's text model; support vectors become rows of X. */
function parseModel(text: string, svIndices: number[], rows: ArrayLike<number>): TrainedSvc {
  const lines = text.split("\n");
  const header = new Map<string, number[]>();
  let at = 0;
  for (; at < lines.length && lines[at]!.trim() !== "SV"; at++) {
    const [key, ...rest] = lines[at]!.trim().split(/\s+/);
    header.set(key!, rest.map(Number));
  }
  const labels = Int32Array.from(header.get("label") ?? []);
  const total = svIndices.length;
  const nr = labels.length;
  const svCoef = new Float64Array((nr - 1) * total);
  for (let s = 0; s < total; s++) {
    const tokens = lines[at + 1 + s]!.trim().split(/\s+/);
    for (let m = 0; m < nr - 1; m++) svCoef[m * total + s] = Number(tokens[m]);
  }
  return {
    svRows: Int32Array.from(svIndices, (i) => rows[i]!),
    svCoef,
    rho: Float64Array.from(header.get("rho") ?? []),
    labels,
    nSV: Int32Array.from(header.get("nr_sv") ?? []),
  };
}
