import { parentPort } from "node:worker_threads";
import { fitForestTree } from "./forest-tree";
import type { TreeArrays } from "../tree/flat-tree";
import { helpHistTeam } from "../tree/hist-team";
import type { ForestTask, ForestTaskResult, HistTask } from "./parallel";

/**
 * Pool thread entry: for each forest task posted, claims trees from the task's shared counter until none
 * is left, then posts them back as `[index, tree]` pairs under the task's id. Stays alive between
 * tasks; the pool terminates it. A histogram task joins a HistTeam until the team stops.
 */
parentPort!.on("message", (task: ForestTask | HistTask) => {
  const { id } = task;
  try {
    if (task.kind === "hist") {
      helpHistTeam(task.shared);
      parentPort!.postMessage({ id, trees: [] } satisfies ForestTaskResult);
      return;
    }
    const { job, seeds, next } = task;
    const trees: [number, TreeArrays][] = [];
    for (let t = Atomics.add(next, 0, 1); t < seeds.length; t = Atomics.add(next, 0, 1)) trees.push([t, fitForestTree(job, seeds[t]!)]);
    parentPort!.postMessage({ id, trees } satisfies ForestTaskResult);
  } catch (e) {
    parentPort!.postMessage({ id, trees: [], error: e instanceof Error ? e.message : String(e) } satisfies ForestTaskResult);
  }
});
