import { parentPort, workerData } from "node:worker_threads";
import { fitForestTree, type ForestJob } from "./forest-tree";
import type { TreeArrays } from "../tree/flat-tree";

/** Thread entry: grows the trees `indices` of a forest and posts them back as `[index, tree]` pairs. */
const { job, seeds, indices } = workerData as { job: ForestJob; seeds: number[]; indices: number[] };
const out: [number, TreeArrays][] = indices.map((t) => [t, fitForestTree(job, seeds[t]!)]);
parentPort!.postMessage(out);
