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

/** What a forest worker thread gets: the shared job, every seed, and the shared next-tree counter. */
export interface ForestWorkerData {
  readonly job: ForestJob;
  readonly seeds: readonly number[];
  /** Int32 on a SharedArrayBuffer: index of the next tree nobody has claimed yet. */
  readonly next: Int32Array;
}

/**
 * Grows one tree per seed on `nJobs` threads sharing the binned data (SharedArrayBuffer), or inline
 * when `nJobs` is 1 or rows x trees is below `inlineWork` (default `INLINE_WORK`). The main thread is
 * one of the `nJobs`: it grows trees while the `nJobs - 1` workers start. Threads claim trees one at
 * a time from a shared counter, so a slow thread does not hold the others back. Tree `t` always
 * comes from `seeds[t]`, so the result does not depend on `nJobs` nor on who grew which tree.
 * Threads are terminated before this resolves.
 * @param useMain let the main thread grow trees too (default true); false runs `nJobs` workers.
 */
export async function growForest(job: ForestJob, seeds: readonly number[], nJobs: number, onTree?: () => void, inlineWork = INLINE_WORK, useMain = true): Promise<TreeArrays[]> {
  const jobs = Math.min(nJobs, seeds.length);
  if (jobs <= 1 || job.data.rows * seeds.length < inlineWork) {
    return seeds.map((s) => {
      const t = fitForestTree(job, s);
      onTree?.();
      return t;
    });
  }
  const shared = shareJob(job);
  const next = new Int32Array(new SharedArrayBuffer(4));
  const trees: TreeArrays[] = new Array(seeds.length);
  const file = join(__dirname, IS_TS ? "forest-worker.ts" : "forest-worker.js");
  const execArgv = IS_TS ? ["--require", require.resolve("tsx/cjs")] : [];
  const workerData: ForestWorkerData = { job: shared, seeds, next };
  const workers = Array.from({ length: useMain ? jobs - 1 : jobs }, () => new Worker(file, { workerData, execArgv }));
  const results = workers.map(
    (worker) =>
      new Promise<[number, TreeArrays][]>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      }),
  );
  let mine = 0;
  try {
    if (useMain) {
      for (let t = Atomics.add(next, 0, 1); t < seeds.length; t = Atomics.add(next, 0, 1)) {
        trees[t] = fitForestTree(job, seeds[t]!);
        mine++;
        onTree?.();
      }
    }
    // every tree is claimed once the main thread is done; wait only if workers hold some
    if (mine < seeds.length) {
      let got = mine;
      await new Promise<void>((resolve, reject) => {
        for (const r of results) {
          r.then((out) => {
            for (const [t, tree] of out) {
              trees[t] = tree;
              onTree?.();
            }
            got += out.length;
            if (got === seeds.length) resolve();
          }, reject);
        }
      });
    }
  } finally {
    for (const r of results) r.catch(() => {});
    await Promise.all(workers.map((w) => w.terminate()));
  }
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
