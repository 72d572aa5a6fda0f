import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { take, takeRows, type Matrix } from "../src/core/matrix";
import { Rng } from "../src/core/rng";
import type * as Ensemble from "../src/ensemble";

/**
 * The ensemble module compiled by tsc into bench/out/dist (what `pnpm build` ships), not the
 * TypeScript run through tsx: forest worker threads then start from JS too, as in production.
 */
export function compiledEnsemble(): typeof Ensemble {
  const out = join(__dirname, "out", "dist");
  // type errors elsewhere in the tree do not stop tsc from emitting
  spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(__dirname, "..", "tsconfig.build.json"), "--outDir", out], { encoding: "utf8" });
  const entry = join(out, "ensemble", "index.js");
  if (!existsSync(entry)) throw new Error(`tsc did not emit ${entry}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads the freshly compiled JS, as production runs it
  return require(entry) as typeof Ensemble;
}

/** The benches' 80/20 split of n rows (seeded permutation, both parts sorted). */
export function splitRows(n: number): { train: number[]; test: number[] } {
  const perm = new Rng(42).permutation(n);
  const nTest = Math.round(0.2 * n);
  return { test: Array.from(perm.subarray(0, nTest)).sort((a, b) => a - b), train: Array.from(perm.subarray(nTest)).sort((a, b) => a - b) };
}

/** Rows `idx` of X and y. */
export function subset(X: Matrix, y: Float64Array, idx: number[]): { X: Matrix; y: Float64Array } {
  return { X: takeRows(X, idx), y: take(y, idx) };
}
