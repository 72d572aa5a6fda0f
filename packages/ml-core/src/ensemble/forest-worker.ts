import { parentPort } from "node:worker_threads";
import { fitForestTree, releaseTreeKernels } from "./forest-tree";
import type { TreeArrays } from "../tree/flat-tree";
import { helpHistTeam } from "../tree/hist-team";
import { subtreeHelper } from "../tree/subtree-fork";
import type { BinColumnsTask, BinTask, ForestTask, ForestTaskResult, HistTask, RoundTask, XgbBinTask } from "./parallel";
import { binClaimed } from "../tree/binner";
import { helpBinColumns } from "../tree/column-binning";
import { xgbBinClaimed } from "./xgb-cuts";
import { helpRoundTeam } from "./xgb-round-team";

/**
 * Pool thread entry: for each forest task posted, claims trees from the task's shared counter until none
 * is left, then posts them back as `[index, tree]` pairs under the task's id. Stays alive between
 * tasks; the pool terminates it. A histogram task joins a HistTeam until the team stops, a round
 * task grows boosting rounds' trees until its RoundTeam stops; a binning
 * task bins features of a shared dataset until none is left (at XGBoost's cuts for "xgb-bin"; as
 * its caller reads them for "bin-columns").
 */
parentPort!.on("message", (task: ForestTask | HistTask | BinTask | BinColumnsTask | XgbBinTask | RoundTask) => {
  const { id } = task;
  try {
    if (task.kind !== "forest") {
      if (task.kind === "hist") helpHistTeam(task.shared, task.fork ? subtreeHelper(task.fork, task.shared) : undefined);
      else if (task.kind === "xgb-round") helpRoundTeam(task.shared, task.port);
      else if (task.kind === "bin") binClaimed(task.binning);
      else if (task.kind === "bin-columns") helpBinColumns(task.binning);
      else xgbBinClaimed(task.binning);
      parentPort!.postMessage({ id, trees: [] } satisfies ForestTaskResult);
      return;
    }
    const { job, seeds, next } = task;
    const trees: [number, TreeArrays][] = [];
    for (let t = Atomics.add(next, 0, 1); t < seeds.length; t = Atomics.add(next, 0, 1)) trees.push([t, fitForestTree(job, seeds[t]!)]);
    releaseTreeKernels();
    parentPort!.postMessage({ id, trees } satisfies ForestTaskResult);
  } catch (e) {
    parentPort!.postMessage({ id, trees: [], error: e instanceof Error ? e.message : String(e) } satisfies ForestTaskResult);
  }
});
