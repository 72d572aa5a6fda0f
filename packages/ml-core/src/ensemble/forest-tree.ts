import { Rng } from "../core/rng";
import { balancedWeights } from "../core/class-weights";
import type { BinnedData } from "../tree/binner";
import type { TreeArrays } from "../tree/flat-tree";
import { classArenaFor, dropClassArena } from "../tree/class-arena";
import { HistTeam } from "../tree/hist-team";
import { NodeArrays } from "../tree/node-arrays";
import { classWidth, growTree, intBelow, intLimit, treeArrays, type GrowOptions } from "../tree/grow";

/** Everything needed to grow any tree of a random forest; workers get it once. */
export interface ForestJob {
  readonly data: BinnedData;
  readonly y: Float64Array;
  /** 0 for regression. */
  readonly nClasses: number;
  readonly criterion: "gini" | "entropy" | "squared_error";
  /** Weight per class ("balanced"), or null. */
  readonly classWeight: Float64Array | null;
  readonly balancedSubsample: boolean;
  readonly bootstrap: boolean;
  readonly grow: GrowOptions;
}

/**
 * Grows tree number `t` of a forest from its own seed: bootstrap draw (as counts, i.e. sample
 * weights), then a histogram tree. Pure, so worker threads and the main thread give the same tree.
 * Returns the tree without where its rows ended up, which threads need not post back.
 */
export function fitForestTree(job: ForestJob, seed: number): TreeArrays {
  const { data, y, nClasses } = job;
  const n = data.rows;
  const rng = new Rng(seed);
  const count = new Float64Array(n);
  if (job.bootstrap) {
    const limit = intLimit(n);
    for (let i = 0; i < n; i++) count[intBelow(rng, n, limit)]! += 1;
  }
  else count.fill(1);
  // the drawn rows, in order (written at every position, kept by advancing)
  const drawn = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    drawn[m] = i;
    m += count[i]! > 0 ? 1 : 0;
  }
  const sample = drawn.subarray(0, m);

  if (nClasses > 0) {
    const weight = count;
    let cw = job.classWeight;
    if (job.balancedSubsample) {
      // "balanced" on this tree's bootstrap draw: the draw counts are the class counts
      const per = new Float64Array(nClasses);
      for (let i = 0; i < n; i++) per[y[i]!]! += count[i]!;
      cw = balancedWeights(per);
    }
    if (cw) for (let i = 0; i < n; i++) weight[i] = weight[i]! * cw[y[i]!]!;
    const criterion = job.criterion === "entropy" ? "entropy" : "gini";
    // histograms and partitions in WebAssembly (same trees): features drawn per node through a
    // ClassArena, every feature of two classes through a helperless HistTeam
    const drawn = job.grow.maxFeatures < data.cols;
    const arena = drawn ? classArenaFor(data, classWidth(nClasses, job.grow, data.cols)) : undefined;
    const team = !drawn && nClasses === 2 ? soloTeamFor(data) : undefined;
    return treeArrays(growTree(data, { kind: "class", y, nClasses, weight, criterion }, sample, job.grow, rng, team, arena));
  }
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) g[i] = count[i]! * y[i]!;
  // every feature at every node: all-feature histograms and partitions in WebAssembly (same trees)
  const team = job.grow.maxFeatures >= data.cols ? soloTeamFor(data, job.grow.sparseHistograms === true) : undefined;
  return treeArrays(growTree(data, { kind: "grad", g, h: count, l2: 0 }, sample, job.grow, rng, team));
}

let soloTeam: { team: HistTeam; sparse: boolean } | undefined;

/** This thread's helperless HistTeam for `data` (made with its sparse codes when `sparse`), kept for its next tree; undefined where none can be made. */
function soloTeamFor(data: BinnedData, sparse = false): HistTeam | undefined {
  if (soloTeam?.team.data.codes === data.codes && soloTeam.sparse === sparse) return soloTeam.team;
  try {
    soloTeam = { team: new HistTeam(data, { sparse }), sparse };
  } catch {
    soloTeam = undefined;
  }
  return soloTeam?.team;
}

/** Lets this thread's WebAssembly memories for forest trees go, and the node arrays kept for its next tree, once its share of a forest is grown. */
export function releaseTreeKernels(): void {
  dropClassArena();
  NodeArrays.dropSpare();
  soloTeam = undefined;
}
