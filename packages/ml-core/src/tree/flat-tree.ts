import type { Matrix } from "../core/matrix";
import type { StateValue } from "../core/estimator";
import { MISSING_BIN, type BinEdges } from "./binner";
import { DESCENT_ROWS, treeDescent, type TreeDescent } from "./tree-descent";

/**
 * One fitted tree in flat arrays. Node `i` is a leaf when `feature[i] === -1`; otherwise rows with
 * `x[feature] <= threshold` go to `left[i]`, others to `right[i]`, and missing values (NaN) go left
 * when `missingLeft[i]` is 1. `value` holds `nOut` numbers per node (class shares or a real value).
 */
export interface TreeArrays {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly missingLeft: Uint8Array;
  readonly value: Float64Array;
  /** Total impurity decrease (gain) per input feature, not normalised. */
  readonly importance: Float64Array;
}

/** Rows `addTrees` takes through every tree at a time (1,024 rows of 55 float64 features: 440 kB). */
const ROW_BLOCK = DESCENT_ROWS;
/** Fewest trees for which `addTrees` copies a block of rows into WebAssembly memory to descend them there. */
const MIN_DESCENT_TREES = 4;

/** Each ensemble's `TreeDescent` of all its trees for the row width it last served (undefined where WebAssembly cannot run it). */
const descents = new WeakMap<TreeEnsemble, { readonly cols: number; readonly descent: TreeDescent | undefined }>();

function descentOf(e: TreeEnsemble, cols: number): TreeDescent | undefined {
  let made = descents.get(e);
  if (made?.cols !== cols) {
    const descent = treeDescent(e.feature.length, cols);
    descents.set(e, (made = { cols, descent: descent?.setTrees(e, 0, e.nTrees) ? descent : undefined }));
  }
  return made.descent;
}

/** Each matrix's `TreeDescent` of the trees last added to it by range (see `addTrees`). */
const rangeDescents = new WeakMap<Matrix, TreeDescent | undefined>();
/**
 * A range descent lives as long as its matrix (a fold kept for a study's next trials): it holds at
 * most this many nodes (about 21 bytes each) and a block of rows of at most this many columns (8 kB
 * each), under 10 MB in all; larger ranges and wider matrices are scored in JS.
 */
const MAX_RANGE_DESCENT_NODES = 1 << 18;
const MAX_RANGE_DESCENT_COLS = 512;

function rangeDescentOf(e: TreeEnsemble, from: number, to: number, X: Matrix): TreeDescent | undefined {
  const nodes = e.offset[to]! - e.offset[from]!;
  if (X.cols > MAX_RANGE_DESCENT_COLS || nodes > MAX_RANGE_DESCENT_NODES) return undefined;
  let descent = rangeDescents.get(X);
  if (descent?.setTrees(e, from, to)) return descent;
  // room for twice these trees' nodes, so that the next stages' trees fit too
  descent = treeDescent(Math.min(2 * nodes, MAX_RANGE_DESCENT_NODES), X.cols);
  rangeDescents.set(X, descent?.setTrees(e, from, to) ? descent : undefined);
  return rangeDescents.get(X);
}

/**
 * Many trees concatenated into one set of flat arrays (tree `t` owns nodes
 * `offset[t]..offset[t+1]-1`, children indices are local to the tree). This is what ensembles
 * keep, predict from and save.
 */
export class TreeEnsemble {
  constructor(
    readonly nOut: number,
    readonly offset: Int32Array,
    readonly feature: Int32Array,
    readonly threshold: Float64Array,
    readonly left: Int32Array,
    readonly right: Int32Array,
    readonly missingLeft: Uint8Array,
    readonly value: Float64Array,
    /** Per tree, per feature impurity decrease (trees x features). */
    readonly importance: Float64Array,
  ) {}

  /** Number of trees. */
  get nTrees(): number {
    return this.offset.length - 1;
  }

  /** Concatenates trees that all have `nOut` values per node and `nFeatures` importances. */
  static concat(trees: readonly TreeArrays[], nOut: number, nFeatures: number): TreeEnsemble {
    const offset = new Int32Array(trees.length + 1);
    trees.forEach((t, i) => (offset[i + 1] = offset[i]! + t.feature.length));
    const n = offset[trees.length]!;
    const e = new TreeEnsemble(nOut, offset, new Int32Array(n), new Float64Array(n), new Int32Array(n), new Int32Array(n), new Uint8Array(n), new Float64Array(n * nOut), new Float64Array(trees.length * nFeatures));
    trees.forEach((t, i) => {
      const o = offset[i]!;
      e.feature.set(t.feature, o);
      e.threshold.set(t.threshold, o);
      e.left.set(t.left, o);
      e.right.set(t.right, o);
      e.missingLeft.set(t.missingLeft, o);
      e.value.set(t.value, o * nOut);
      e.importance.set(t.importance, i * nFeatures);
    });
    return e;
  }

  /** The global index of the leaf of tree `t` that row `row` of `X` falls in. */
  leaf(t: number, X: Matrix, row: number): number {
    const o = this.offset[t]!;
    const { feature, threshold, left, right, missingLeft } = this;
    const data = X.data;
    const base = row * X.cols;
    let node = o;
    for (;;) {
      const f = feature[node]!;
      if (f < 0) return node;
      const v = data[base + f]!;
      const goLeft = v <= threshold[node]! || (v !== v && missingLeft[node] === 1);
      node = o + (goLeft ? left[node]! : right[node]!);
    }
  }

  /**
   * Adds `scale * value` of tree `t`'s leaf to `out[row * stride + column + j]` for every row
   * (rows `from..to-1` when given) and every output `j`.
   */
  addTree(t: number, X: Matrix, out: Float64Array, stride: number, column: number, scale: number, from = 0, to = X.rows): void {
    const nOut = this.nOut;
    const value = this.value;
    for (let i = from; i < to; i++) {
      const leaf = this.leaf(t, X, i);
      const at = i * stride + column;
      for (let j = 0; j < nOut; j++) out[at + j]! += scale * value[leaf * nOut + j]!;
    }
  }

  /**
   * Adds trees `from..to-1` as `addTree` does, tree `t` to output column `column(t)`, a block of
   * rows at a time: a block's values stay in cache while every tree reads them, where a pass of
   * each tree over every row would read all of X from memory once per tree. For several trees the
   * block is copied into WebAssembly memory and descended there without a branch per split
   * (`TreeDescent`), the same leaves as `leaf` finds. Each row gets its trees in the same order, so
   * the sums are `addTree`'s to the bit.
   * @param keep what the descent holds: "ensemble" (default), all of this ensemble's trees, copied
   * once for all its predictions; "range", only trees `from..to-1`, in a descent kept with X: a
   * staged fit scores the same rows after every stage with the trees new since the last, in a new
   * ensemble each time.
   */
  addTrees(from: number, to: number, X: Matrix, out: Float64Array, stride: number, column: (t: number) => number, scale: number, keep: "ensemble" | "range" = "ensemble"): void {
    const several = to - from >= MIN_DESCENT_TREES && X.rows > 0;
    const descent = !several ? undefined : keep === "range" ? rangeDescentOf(this, from, to, X) : descentOf(this, X.cols);
    const base = keep === "range" ? this.offset[from]! : 0;
    for (let start = 0; start < X.rows; start += ROW_BLOCK) {
      const end = Math.min(start + ROW_BLOCK, X.rows);
      if (!descent) {
        for (let t = from; t < to; t++) this.addTree(t, X, out, stride, column(t), scale, start, end);
        continue;
      }
      descent.load(X, start, end);
      for (let t = from; t < to; t++) this.addLeaves(descent.leaves(t, end - start), base, start, end, out, stride, column(t), scale);
    }
  }

  /** Adds `scale * value` of leaf `base + leaves[i - from]` to `out[i * stride + column + j]` for rows `from..to-1` and every output `j`. */
  private addLeaves(leaves: Int32Array, base: number, from: number, to: number, out: Float64Array, stride: number, column: number, scale: number): void {
    const nOut = this.nOut;
    const value = this.value;
    if (nOut === 1) {
      for (let i = from; i < to; i++) out[i * stride + column]! += scale * value[base + leaves[i - from]!]!;
      return;
    }
    for (let i = from; i < to; i++) {
      const leaf = base + leaves[i - from]!;
      const at = i * stride + column;
      for (let j = 0; j < nOut; j++) out[at + j]! += scale * value[leaf * nOut + j]!;
    }
  }

  /**
   * Normalised impurity-based importances: each tree's importances sum to 1, then they are
   * averaged and renormalised, as scikit-learn does.
   */
  featureImportances(nFeatures: number): Float64Array {
    const out = new Float64Array(nFeatures);
    for (let t = 0; t < this.nTrees; t++) {
      let s = 0;
      for (let f = 0; f < nFeatures; f++) s += this.importance[t * nFeatures + f]!;
      if (s > 0) for (let f = 0; f < nFeatures; f++) out[f]! += this.importance[t * nFeatures + f]! / s;
    }
    let s = 0;
    for (let f = 0; f < nFeatures; f++) s += out[f]!;
    if (s > 0) for (let f = 0; f < nFeatures; f++) out[f]! /= s;
    return out;
  }

  /**
   * The arrays as a state tree for `persist`. Only leaves' values are kept (nothing reads a split
   * node's), densely, or sparsely where most are 0 (see `leafValues`).
   */
  toState(): { [key: string]: StateValue } {
    const { nOut, offset, feature, threshold, left, right, missingLeft, importance } = this;
    return { nOut, offset, feature, threshold, left, right, missingLeft, importance, ...leafValues(feature, this.value, nOut) };
  }

  /** Rebuilds an ensemble from `toState()` (split nodes' values 0), or from a state that kept every node's `value`. */
  static fromState(s: { readonly [key: string]: StateValue }): TreeEnsemble {
    const nOut = s.nOut as number;
    const feature = s.feature as Int32Array;
    const value = (s.value as Float64Array | undefined) ?? nodeValues(s, feature, nOut);
    return new TreeEnsemble(nOut, s.offset as Int32Array, feature, s.threshold as Float64Array, s.left as Int32Array, s.right as Int32Array, s.missingLeft as Uint8Array, value, s.importance as Float64Array);
  }
}

/** Whether a leaf value is written out sparsely: every value but +0 (-0 is kept, so the bits come back). */
const stored = (v: number): boolean => v !== 0 || Object.is(v, -0);

/**
 * The leaves' values, in node order, for a saved state: `leafValue` (nOut per leaf), or when that is
 * larger, only the stored ones: `leafStart` (leaf k's run begins at leafStart[k]), `leafColumn` and
 * `leafNonzero`. A forest's class shares at nearly pure leaves are mostly 0: a 26-class forest's
 * leaves take a tenth of the space.
 */
function leafValues(feature: Int32Array, value: Float64Array, nOut: number): { [key: string]: StateValue } {
  const leaves: number[] = [];
  let nonzero = 0;
  for (let i = 0; i < feature.length; i++) {
    if (feature[i] !== -1) continue;
    leaves.push(i);
    for (let j = 0; j < nOut; j++) if (stored(value[i * nOut + j]!)) nonzero++;
  }
  if (nonzero * 12 + (leaves.length + 1) * 4 >= leaves.length * nOut * 8) {
    const leafValue = new Float64Array(leaves.length * nOut);
    leaves.forEach((i, k) => leafValue.set(value.subarray(i * nOut, (i + 1) * nOut), k * nOut));
    return { leafValue };
  }
  const leafStart = new Int32Array(leaves.length + 1);
  const leafColumn = new Int32Array(nonzero);
  const leafNonzero = new Float64Array(nonzero);
  let at = 0;
  leaves.forEach((i, k) => {
    for (let j = 0; j < nOut; j++) {
      const v = value[i * nOut + j]!;
      if (!stored(v)) continue;
      leafColumn[at] = j;
      leafNonzero[at++] = v;
    }
    leafStart[k + 1] = at;
  });
  return { leafStart, leafColumn, leafNonzero };
}

/** Every node's values (split nodes' 0) from a state's leaf values, dense or sparse (`leafValues`). */
function nodeValues(s: { readonly [key: string]: StateValue }, feature: Int32Array, nOut: number): Float64Array {
  const value = new Float64Array(feature.length * nOut);
  const dense = s.leafValue as Float64Array | undefined;
  const start = s.leafStart as Int32Array, column = s.leafColumn as Int32Array, nonzero = s.leafNonzero as Float64Array;
  for (let i = 0, k = 0; i < feature.length; i++) {
    if (feature[i] !== -1) continue;
    if (dense) value.set(dense.subarray(k * nOut, (k + 1) * nOut), i * nOut);
    else for (let e = start[k]!; e < start[k + 1]!; e++) value[i * nOut + column[e]!] = nonzero[e]!;
    k++;
  }
  return value;
}

/**
 * Adds the leaf value of `tree`, grown on bins with `edges`, to `out[i * stride + column]` for
 * each of `rows` rows binned at those edges (`codes`, column-major, as applyBins writes them): the
 * leaves `TreeEnsemble.addTree` finds from their values (x <= a split's threshold exactly when its
 * code <= the split's bin), from one byte per value read instead of eight. A tree of one output.
 */
export function addBinnedTree(tree: TreeArrays, edges: BinEdges, codes: Uint8Array, rows: number, out: Float64Array, stride: number, column: number): void {
  const { feature, threshold, left, right, missingLeft, value } = tree;
  const bins = new Int32Array(feature.length);
  for (let node = 0; node < feature.length; node++) if (feature[node]! >= 0) bins[node] = splitBin(edges, feature[node]!, threshold[node]!);
  for (let i = 0; i < rows; i++) {
    let node = 0;
    for (let f = feature[0]!; f >= 0; f = feature[node]!) {
      const c = codes[f * rows + i]!;
      node = c <= bins[node]! || (c === MISSING_BIN && missingLeft[node] === 1) ? left[node]! : right[node]!;
    }
    out[i * stride + column]! += value[node]!;
  }
}

/** The bin b of feature f whose threshold (binThreshold) is t: the last bin for Infinity, else t's place among f's edges. */
function splitBin(b: BinEdges, f: number, t: number): number {
  const last = b.nBins[f]! - 1;
  if (t === Infinity) return last;
  let lo = b.edgeOffset[f]!, hi = lo + last;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (b.edges[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo - b.edgeOffset[f]!;
}
