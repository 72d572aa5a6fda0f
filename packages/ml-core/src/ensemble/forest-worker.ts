import { parentPort, workerData } from "node:worker_threads";
import { fitForestTree } from "./forest-tree";
import type { TreeArrays } from "../tree/flat-tree";
import type { ForestWorkerData } from "./parallel";

/** Thread entry: claims trees from the shared counter until none is left, then posts them back as `[index, tree]` pairs. */
const { job, seeds, next } = workerData as ForestWorkerData;
const out: [number, TreeArrays][] = [];
for (let t = Atomics.add(next, 0, 1); t < seeds.length; t = Atomics.add(next, 0, 1)) out.push([t, fitForestTree(job, seeds[t]!)]);
parentPort!.postMessage(out);
