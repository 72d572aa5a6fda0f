import type { Rng } from "../core/rng";
import type { BinnedData } from "./binner";
import type { ClassArena } from "./class-arena";
import type { TreeArrays } from "./flat-tree";
import { Grower } from "./grower";
import type { HistTeam } from "./hist-team";
import type { LeafRegularization } from "./regularization";

export { CRITERIA, type Score } from "./criteria";
export { TEAM_MIN_WORK } from "./hist-builder";
export { classWidth } from "./stat-layout";
export { intBelow, intLimit } from "./uniform-int";

/** Classification target: class index and weight per row (weight 0 = row not in the sample). */
export interface ClassTarget {
  readonly kind: "class";
  readonly y: Float64Array;
  readonly nClasses: number;
  readonly weight: Float64Array;
  readonly criterion: "gini" | "entropy";
}

/**
 * Gradient target: per row the negative gradient `g` and the hessian `h` (already weighted).
 * Leaves get `sum g / (sum h + l2)`; for a squared-error regression tree pass `g = w * y`, `h = w`.
 */
export interface GradTarget {
  readonly kind: "grad";
  readonly g: Float64Array;
  /** Omitted: every row has hessian 1 (the hessian sum is the row count; one channel less to build). */
  readonly h?: Float64Array;
  readonly l2: number;
  /** XGBoost's leaf weight and gain formulas instead of G / (H + l2) and G^2 / (H + l2) (its l2 is used, not this one's). */
  readonly regularization?: LeafRegularization;
}

/** How a tree grows. */
export interface GrowOptions {
  /** Infinity for unlimited. */
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  /** Features drawn per node (1..cols); with all of them no randomness is used. */
  readonly maxFeatures: number;
  /** 0: grow depth-first without a limit; otherwise best-first up to this many leaves. */
  readonly maxLeafNodes: number;
  /** Least hessian sum in a child (gradient trees). */
  readonly minHessianLeaf: number;
  /**
   * XGBoost's rule for keeping a split (gradient trees): its loss change must exceed 1e-6 and be at
   * least this (`gamma`). Omitted: any positive improvement splits.
   */
  readonly minSplitLoss?: number;
  /**
   * The features a node of this depth may split on (XGBoost's column sampling), asked once per node
   * in growth order when every feature is a candidate. Omitted: all of them.
   */
  readonly nodeFeatures?: (depth: number) => ArrayLike<number>;
  /**
   * Every row's hessian is above 0 (XGBoost's objectives floor them at 1e-16): with min_samples_leaf
   * 1, (g, h) histograms then go without a row count (see StatLayout).
   */
  readonly positiveHessians?: boolean;
  /** A node that saw no missing value sends them right, as XGBoost does (default: to the larger child). */
  readonly unseenMissingRight?: boolean;
  /**
   * Gradient trees: build all features' histograms from the data's sparse codes, without the rows
   * of each sparse feature's default bin (see SparseCodes). A HistTeam must be made with them.
   */
  readonly sparseHistograms?: boolean;
}

/** A grown tree plus where its training rows ended up. */
export interface GrownTree extends TreeArrays {
  /** The sample rows, permuted so that each leaf owns a contiguous range. */
  readonly rows: Int32Array;
  /** Per node: first and one-past-last position in `rows` (meaningful for leaves). */
  readonly start: Int32Array;
  readonly end: Int32Array;
}

/** The tree of a GrownTree, without where its rows ended up. */
export function treeArrays(t: GrownTree): TreeArrays {
  const { feature, threshold, left, right, missingLeft, value, importance } = t;
  return { feature, threshold, left, right, missingLeft, value, importance };
}

/** Adds the leaf values of a tree grown on every row to column c of their raw scores (rows x cols). */
export function addLeaves(tree: GrownTree, raw: Float64Array, cols: number, c: number): void {
  const { feature, value, start, end, rows } = tree;
  for (let node = 0; node < feature.length; node++) {
    if (feature[node]! >= 0) continue;
    const v = value[node]!;
    // the bound in a local: read from `end` in the condition, it is read again after every store
    // to `raw` (another view of the same buffer could change it)
    for (let r = start[node]!, e = end[node]!; r < e; r++) raw[rows[r]! * cols + c]! += v;
  }
}

/**
 * Grows one histogram tree on binned data. Each node builds per-bin statistics of its rows
 * (O(rows) per feature) and scans the bins (O(bins)). With all features candidates at every node
 * (boosting), nodes that may split keep all-feature histograms, packed to each feature's own bin
 * count, so that the larger child is the parent minus the smaller one and only the smaller child's
 * rows are read. With features drawn per node (forests), only the drawn features are built, from
 * the node's rows. Missing values try both directions.
 * @param data binned features.
 * @param target class counts or gradients.
 * @param sample rows in the sample (each once); permuted in place and returned as `rows`.
 * @param opts stopping rules.
 * @param rng draws features per node when `maxFeatures < cols`.
 * @param team helper threads for all-feature gradient histograms of at least `TEAM_MIN_WORK` rows x features (same result without).
 * @param arena WebAssembly for the drawn features' histograms and the partition of class trees
 * with features drawn per node, of width `classWidth(...)` (same result without).
 */
export function growTree(data: BinnedData, target: ClassTarget | GradTarget, sample: Int32Array, opts: GrowOptions, rng: Rng | undefined, team?: HistTeam, arena?: ClassArena): GrownTree {
  return new Grower(data, target, sample, opts, { rng, team, arena }).grow();
}
