import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { fitForestTree, type ForestJob } from "./forest-tree";
import type { TreeArrays } from "../tree/flat-tree";

const IS_TS = __filename.endsWith(".ts");

/**
 * Below this many rows x trees, threads cost more than they save and the trees grow inline. A
 * thread starts in tens of milliseconds from compiled JS, but in hundreds when it must compile the
 * TypeScript sources (tests, benchmarks), hence the larger threshold there.
 */
export const INLINE_WORK = IS_TS ? 1_000_000 : 100_000;

/**
 * Grows one tree per seed, on `nJobs` worker threads sharing the binned data (SharedArrayBuffer)
 * or inline when `nJobs` is 1 or rows x trees is below `inlineWork` (default `INLINE_WORK`). Tree `t` always comes from `seeds[t]`, so the
 * result does not depend on `nJobs`. Threads are terminated before this resolves.
 */
export async function growForest(job: ForestJob, seeds: readonly number[], nJobs: number, onTree?: () => void, inlineWork = INLINE_WORK): Promise<TreeArrays[]> {
  const jobs = Math.min(nJobs, seeds.length);
  if (jobs <= 1 || job.data.rows * seeds.length < inlineWork) {
    return seeds.map((s) => {
      const t = fitForestTree(job, s);
      onTree?.();
      return t;
    });
  }
  const shared = shareJob(job);
  const trees: TreeArrays[] = new Array(seeds.length);
  const file = join(__dirname, IS_TS ? "forest-worker.ts" : "forest-worker.js");
  const execArgv = IS_TS ? ["--require", require.resolve("tsx/cjs")] : [];
  await Promise.all(
    Array.from({ length: jobs }, (_, w) => {
      const indices: number[] = [];
      for (let t = w; t < seeds.length; t += jobs) indices.push(t);
      return new Promise<void>((resolve, reject) => {
        const worker = new Worker(file, { workerData: { job: shared, seeds, indices }, execArgv });
        worker.once("message", (out: [number, TreeArrays][]) => {
          for (const [t, tree] of out) {
            trees[t] = tree;
            onTree?.();
          }
          void worker.terminate().then(() => resolve(), reject);
        });
        worker.once("error", (e) => {
          void worker.terminate();
          reject(e);
        });
      });
    }),
  );
  return trees;
}

function shareJob(job: ForestJob): ForestJob {
  const codes = job.data.codes.buffer instanceof SharedArrayBuffer ? job.data.codes : toShared(job.data.codes);
  return { ...job, data: { ...job.data, codes }, y: toShared(job.y) };
}

function toShared<T extends Uint8Array | Float64Array>(a: T): T {
  const buf = new SharedArrayBuffer(a.byteLength);
  const out = new (a.constructor as new (b: SharedArrayBuffer) => T)(buf);
  out.set(a as never);
  return out;
}
