import { parentPort } from "node:worker_threads";
import { fitForestTree } from "./forest-tree";
import type { TreeArrays } from "../tree/flat-tree";
import type { ForestTask, ForestTaskResult } from "./parallel";

/**
 * Pool thread entry: for each task posted, claims trees from the task's shared counter until none
 * is left, then posts them back as `[index, tree]` pairs under the task's id. Stays alive between
 * tasks; the pool terminates it.
 */
parentPort!.on("message", (task: ForestTask) => {
  const { id, job, seeds, next } = task;
  try {
    const trees: [number, TreeArrays][] = [];
    for (let t = Atomics.add(next, 0, 1); t < seeds.length; t = Atomics.add(next, 0, 1)) trees.push([t, fitForestTree(job, seeds[t]!)]);
    parentPort!.postMessage({ id, trees } satisfies ForestTaskResult);
  } catch (e) {
    parentPort!.postMessage({ id, trees: [], error: e instanceof Error ? e.message : String(e) } satisfies ForestTaskResult);
  }
});
