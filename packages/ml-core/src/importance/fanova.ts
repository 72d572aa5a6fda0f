import { MlError } from "../core/errors";
import type { Matrix } from "../core/matrix";
import { Rng } from "../core/rng";
import type { TreeEnsemble } from "../tree/flat-tree";
import { RandomForestRegressor } from "../ensemble/random-forest";
import { encodeTrials, type EncodedTrials, type ScoredTrial } from "./encode-trials";
import { FanovaTree } from "./fanova-tree";
import type { SearchSpace } from "../core/search-space";

/** fANOVA's settings: Optuna's defaults (`FanovaImportanceEvaluator(n_trees=64, max_depth=64)`), seed 0. */
export interface FanovaOptions {
  readonly nTrees?: number;
  readonly maxDepth?: number;
  readonly seed?: number;
}

/** One parameter's importance: its share of the variance explained by single parameters. */
export interface ParamImportance {
  readonly param: string;
  readonly importance: number;
}

/** One tree of the fANOVA forest, and where each encoded column is among the columns it grew on. */
interface ShuffledTree {
  readonly tree: FanovaTree;
  readonly position: Int32Array;
}

/**
 * Moves each split of tree 0 of `forest` to the midpoint between the nearest values of its
 * feature on either side among the rows of `X` that reach it, where scikit-learn puts its
 * thresholds (ours sit on global bin edges, just above the left side's largest value). The rows
 * are the tree's own training rows, so every row still takes the same path; only the cells the
 * search space is cut into change, and fANOVA weighs cells by their volume.
 */
function centreSplits(forest: TreeEnsemble, X: Matrix): void {
  const { feature, threshold, left, right } = forest;
  const visit = (node: number, rows: number[]): void => {
    const f = feature[node]!;
    if (f < 0 || rows.length === 0) return;
    const at = threshold[node]!;
    const value = (i: number) => X.data[i * X.cols + f]!;
    const goLeft = rows.filter((i) => value(i) <= at);
    const goRight = rows.filter((i) => value(i) > at);
    if (goLeft.length && goRight.length) {
      const lo = goLeft.reduce((m, i) => Math.max(m, value(i)), -Infinity);
      const hi = goRight.reduce((m, i) => Math.min(m, value(i)), Infinity);
      const mid = (lo + hi) / 2;
      threshold[node] = mid < hi ? mid : lo;
    }
    visit(left[node]!, goLeft);
    visit(right[node]!, goRight);
  };
  visit(0, Array.from({ length: X.rows }, (_, i) => i));
}

/**
 * Grows one regression tree as scikit-learn's RandomForestRegressor does for Optuna: on a
 * bootstrap sample of the trials, every feature considered at each split, thresholds at the
 * midpoints between the node's values (`centreSplits`). Our RandomForestRegressor grows it (one
 * tree, on the sample we draw, so that we know its rows) on the columns in a random order:
 * scikit-learn visits the features in a random order at each node, so of two equally good splits
 * (a one-hot column and its complement, two parameters that separate the same trials) either may
 * win, whereas our trees take the first column.
 */
async function growTree(encoded: EncodedTrials, rng: Rng, maxDepth: number): Promise<ShuffledTree> {
  const { X, y, bounds } = encoded;
  const order = rng.permutation(X.cols);
  const sample = Array.from({ length: X.rows }, () => rng.int(X.rows));
  const data = new Float64Array(X.data.length);
  sample.forEach((r, i) => order.forEach((c, j) => (data[i * X.cols + j] = X.data[r * X.cols + c]!)));
  const rows: Matrix = { data, rows: X.rows, cols: X.cols };
  const forest = new RandomForestRegressor({ n_estimators: 1, max_depth: maxDepth, min_samples_split: 2, min_samples_leaf: 1, bootstrap: false, random_state: rng.seed(), n_jobs: 1 });
  await forest.fit(rows, Float64Array.from(sample, (r) => y[r]!));
  centreSplits(forest.trees_!, rows);
  const box = Float64Array.from(Array.from(order).flatMap((c) => [bounds[2 * c]!, bounds[2 * c + 1]!]));
  const position = new Int32Array(X.cols);
  order.forEach((c, j) => (position[c] = j));
  return { tree: new FanovaTree(forest.trees_!, 0, box), position };
}

/**
 * The fraction of each parameter's main effect in each tree's variance, averaged over the trees
 * whose prediction varies, then normalised to sum to 1 (Optuna's `_Fanova.get_importance` and
 * `FanovaImportanceEvaluator.evaluate`).
 * @throws MlError `NO_VARIANCE` (422) when every tree predicts a constant (all values equal).
 */
export async function fanovaImportances(encoded: EncodedTrials, options: FanovaOptions = {}): Promise<Float64Array> {
  const rng = new Rng(options.seed ?? 0);
  const sums = new Float64Array(encoded.columns.length);
  let varying = 0;
  for (let t = 0; t < (options.nTrees ?? 64); t++) {
    const { tree, position } = await growTree(encoded, rng, options.maxDepth ?? 64);
    if (tree.variance > 0) {
      varying++;
      encoded.columns.forEach((cols, p) => (sums[p]! += Math.max(0, tree.marginalVariance(cols.map((c) => position[c]!))) / tree.variance));
    }
    await new Promise((resolve) => setImmediate(resolve)); // one tree at a time: a server's other requests go on meanwhile
  }
  if (varying === 0) throw new MlError("NO_VARIANCE", "Every complete trial has the same value, so no parameter explains any of its variance.", 422);
  const total = sums.reduce((a, b) => a + b, 0);
  return total > 0 ? sums.map((v) => v / total) : sums;
}

/**
 * Hyperparameter importance of a study by fANOVA (Hutter, Hoos & Leyton-Brown 2014), computed as
 * Optuna's FanovaImportanceEvaluator does, over our RandomForestRegressor: every parameter of the
 * search space that the complete trials share, most important first (ties by name); constant
 * parameters get 0. See http://proceedings.mlr.press/v32/hutter14.html
 */
export async function studyImportance(space: SearchSpace, trials: readonly ScoredTrial[], options: FanovaOptions = {}): Promise<{ importances: ParamImportance[]; nTrials: number }> {
  const encoded = encodeTrials(space, trials);
  const values = await fanovaImportances(encoded, options);
  const importances = [...encoded.params.map((param, i) => ({ param, importance: values[i]! })), ...encoded.constant.map((param) => ({ param, importance: 0 }))];
  importances.sort((a, b) => b.importance - a.importance || a.param.localeCompare(b.param));
  return { importances, nTrials: encoded.X.rows };
}
