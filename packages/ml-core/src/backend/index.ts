import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";

/** Which TensorFlow.js backend to use; "auto" tries node, then wasm, then cpu. */
export type BackendPreference = "auto" | "node" | "wasm" | "cpu";

type Loader = () => Promise<boolean>;

/** How each backend is brought up; each returns whether it is now active. */
const LOADERS: { readonly [K in Exclude<BackendPreference, "auto">]: Loader } = {
  node: async () => {
    try {
      // The native binding registers the "tensorflow" backend as a side effect.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require("@tensorflow/tfjs-node");
      return await tf.setBackend("tensorflow");
    } catch {
      return false;
    }
  },
  wasm: async () => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
      const dist = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm"));
      wasm.setWasmPaths(dist + path.sep);
      return await tf.setBackend("wasm");
    } catch {
      return false;
    }
  },
  cpu: async () => tf.setBackend("cpu"),
};

const ORDER: readonly Exclude<BackendPreference, "auto">[] = ["node", "wasm", "cpu"];

let chosen: Promise<string> | undefined;
let chosenName: string | undefined;

/**
 * Picks the TensorFlow.js backend once for the process and returns its name ("tensorflow",
 * "wasm" or "cpu"). Later calls return the same answer whatever they ask for (the choice is
 * memoised), so call it early with the app's `TFJS_BACKEND` setting.
 * @param preference "auto" (default) tries tfjs-node, then the WebAssembly backend, then plain JS;
 *   a named backend is tried first and falls back along the same order when it cannot load.
 */
export function initBackend(preference: BackendPreference = "auto"): Promise<string> {
  if (!chosen) {
    chosen = (async () => {
      const order = preference === "auto" ? ORDER : [preference, ...ORDER.filter((b) => b !== preference)];
      for (const name of order) {
        if (await LOADERS[name]()) break;
      }
      await tf.ready();
      chosenName = tf.getBackend();
      return chosenName;
    })();
  }
  return chosen;
}

/** The name of the backend `initBackend` chose, or undefined before it finished. */
export function backendName(): string | undefined {
  return chosenName;
}
