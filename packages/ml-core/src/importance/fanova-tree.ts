import type { TreeEnsemble } from "../tree/flat-tree";

/** A box in the encoded parameter space: `[low, high]` of its dimension `k` at `2k`, `2k + 1`. */
export type Box = Float64Array;

/** The volume of `box`: the product of its widths (Optuna's `_get_cardinality`). */
function volume(box: Box): number {
  let v = 1;
  for (let f = 0; f < box.length; f += 2) v *= box[f + 1]! - box[f]!;
  return v;
}

/** `box` with dimension `k`'s `side` (0 low, 1 high) moved to `at`. */
function cut(box: Box, k: number, side: 0 | 1, at: number): Box {
  const out = box.slice();
  out[2 * k + side] = at;
  return out;
}

/** The weighted mean and weighted variance of `values` (numpy.average twice). */
export function weightedMoments(values: ArrayLike<number>, weights: ArrayLike<number>): { mean: number; variance: number } {
  let sw = 0;
  let sv = 0;
  for (let i = 0; i < values.length; i++) {
    sw += weights[i]!;
    sv += weights[i]! * values[i]!;
  }
  const mean = sv / sw;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += weights[i]! * (values[i]! - mean) ** 2;
  return { mean, variance: ss / sw };
}

/**
 * One regression tree of the forest seen as a piecewise-constant function over the search space's
 * box, with the statistics fANOVA needs: each node's mean prediction over its box and the box's
 * volume, the midpoints and widths of the cells its splits cut each feature into, and which
 * features each subtree splits on. After Optuna's `_FanovaTree` (optuna/importance/_fanova/_tree.py).
 */
export class FanovaTree {
  private readonly feature: Int32Array;
  private readonly threshold: Float64Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly nFeatures: number;
  /** Per node: the volume-weighted mean of its leaves' values, and its box's volume. */
  private readonly mean: Float64Array;
  private readonly weight: Float64Array;
  /** Per node and feature (`node * nFeatures + f`): 1 when the subtree splits on `f`. */
  private readonly splitsOn: Uint8Array;
  /** Per feature: the midpoints and widths of the cells between its split thresholds. */
  private readonly midpoints: Float64Array[] = [];
  private readonly sizes: Float64Array[] = [];
  /** The variance of the tree's prediction over the whole box (uniform measure). */
  readonly variance: number;

  /**
   * @param forest the fitted forest; @param t the tree's index in it;
   * @param bounds the box of the encoded search space (`[low, high]` per feature).
   */
  constructor(forest: TreeEnsemble, t: number, private readonly bounds: Box) {
    const from = forest.offset[t]!;
    const to = forest.offset[t + 1]!;
    this.feature = forest.feature.subarray(from, to);
    this.threshold = forest.threshold.subarray(from, to);
    this.left = forest.left.subarray(from, to);
    this.right = forest.right.subarray(from, to);
    this.nFeatures = bounds.length / 2;
    const n = to - from;
    this.mean = new Float64Array(n);
    this.weight = new Float64Array(n);
    this.splitsOn = new Uint8Array(n * this.nFeatures);
    this.fillStatistics(0, bounds, forest.value.subarray(from, to));
    this.fillCells();
    const leaves = [...this.feature.keys()].filter((i) => this.feature[i]! < 0);
    this.variance = weightedMoments(leaves.map((i) => this.mean[i]!), leaves.map((i) => this.weight[i]!)).variance;
  }

  /** Computes node `node`'s statistics from its subtree (leaves: value and box volume). */
  private fillStatistics(node: number, box: Box, value: Float64Array): void {
    const f = this.feature[node]!;
    if (f < 0) {
      this.mean[node] = value[node]!;
      this.weight[node] = volume(box);
      return;
    }
    const [l, r] = [this.left[node]!, this.right[node]!];
    this.fillStatistics(l, cut(box, f, 1, this.threshold[node]!), value);
    this.fillStatistics(r, cut(box, f, 0, this.threshold[node]!), value);
    const m = weightedMoments([this.mean[l]!, this.mean[r]!], [this.weight[l]!, this.weight[r]!]).mean;
    this.mean[node] = m;
    this.weight[node] = this.weight[l]! + this.weight[r]!;
    const k = this.nFeatures;
    for (let j = 0; j < k; j++) this.splitsOn[node * k + j] = this.splitsOn[l * k + j]! | this.splitsOn[r * k + j]!;
    this.splitsOn[node * k + f] = 1;
  }

  /** The cells each feature's split thresholds cut its range into: their midpoints and widths. */
  private fillCells(): void {
    for (let f = 0; f < this.nFeatures; f++) {
      const cuts = new Set<number>();
      this.feature.forEach((g, i) => g === f && cuts.add(this.threshold[i]!));
      const edges = [this.bounds[2 * f]!, ...[...cuts].sort((a, b) => a - b), this.bounds[2 * f + 1]!];
      this.midpoints.push(Float64Array.from(edges.slice(1), (e, i) => 0.5 * (e + edges[i]!)));
      this.sizes.push(Float64Array.from(edges.slice(1), (e, i) => e - edges[i]!));
    }
  }

  /**
   * The variance, over the cells of `features` (one parameter's encoded columns), of the tree's
   * prediction marginalised over every other feature: fANOVA's main effect of that parameter.
   */
  marginalVariance(features: readonly number[]): number {
    const values: number[] = [];
    const weights: number[] = [];
    const point = new Float64Array(features.length);
    const visit = (d: number, size: number): void => {
      if (d === features.length) {
        const { value, weight } = this.marginalized(features, point);
        values.push(value);
        weights.push(weight * size);
        return;
      }
      const f = features[d]!;
      const mids = this.midpoints[f]!;
      for (let i = 0; i < mids.length; i++) {
        point[d] = mids[i]!;
        visit(d + 1, size * this.sizes[f]![i]!);
      }
    };
    visit(0, 1);
    return weightedMoments(values, weights).variance;
  }

  /**
   * The tree's mean prediction where `features` take the values `point`, averaged over the other
   * features, and its weight (Optuna's `_get_marginalized_statistics`). The other features' ranges
   * count as [0, 1] (width 1), so only the given features' box is tracked: `[low, high]` of
   * `features[k]` at `2k`, `2k + 1`.
   */
  private marginalized(features: readonly number[], point: Float64Array): { value: number; weight: number } {
    const slot = new Int32Array(this.nFeatures).fill(-1);
    features.forEach((f, k) => (slot[f] = k));
    const start = Float64Array.from(features.flatMap((f) => [this.bounds[2 * f]!, this.bounds[2 * f + 1]!]));
    const values: number[] = [];
    const weights: number[] = [];
    const stack: [number, Box][] = [[0, start]];
    while (stack.length) {
      const [node, box] = stack.pop()!;
      const f = this.feature[node]!;
      if (f >= 0) {
        const k = slot[f]!;
        if (k >= 0) {
          const at = this.threshold[node]!;
          stack.push(point[k]! <= at ? [this.left[node]!, cut(box, k, 1, at)] : [this.right[node]!, cut(box, k, 0, at)]);
          continue;
        }
        if (features.some((g) => this.splitsOn[node * this.nFeatures + g] === 1)) {
          stack.push([this.left[node]!, box], [this.right[node]!, box]);
          continue;
        }
      }
      values.push(this.mean[node]!);
      weights.push(this.weight[node]! / volume(box));
    }
    const weight = weights.reduce((a, b) => a + b, 0);
    return { value: weightedMoments(values, weights).mean, weight };
  }
}
