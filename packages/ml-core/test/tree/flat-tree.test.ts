import { Rng } from "../../src/core/rng";
import { HistGradientBoostingClassifier } from "../../src/ensemble/hist-gradient-boosting";
import { RandomForestClassifier } from "../../src/ensemble/random-forest";
import { addBinnedTree, TreeEnsemble, type TreeArrays } from "../../src/tree/flat-tree";
import { applyBins, binData } from "../../src/tree/binner";
import { growTree, treeArrays } from "../../src/tree/grow";
import type { StateValue } from "../../src/core/estimator";

describe("addBinnedTree", () => {
  it("finds the leaves addTree finds, from rows binned at the training edges, missing values and values past them included", () => {
    const rng = new Rng(6);
    const F = 5, n = 3000;
    const make = (rows: number, spread: number) => ({ data: Float64Array.from({ length: rows * F }, (_, j) => (rng.next() < 0.08 ? NaN : j % F === 4 ? rng.int(4) : spread * rng.normal())), rows, cols: F });
    const X = make(n, 1);
    const data = binData(X, 32);
    const g = Float64Array.from({ length: n }, (_, i) => (X.data[i * F]! > 0.3 || X.data[i * F + 1]! !== X.data[i * F + 1]! ? 1 : -1) + X.data[i * F + 4]! * 0.1 + 0.2 * rng.normal() || 0);
    // held-out rows wider than the training ones: past the first and last edges
    const Xval = make(700, 3);
    const codes = applyBins(Xval, data).codes;
    for (const maxLeafNodes of [0, 7]) {
      const tree = treeArrays(growTree(data, { kind: "grad", g, l2: 1 }, Int32Array.from({ length: n }, (_, i) => i), { maxDepth: 6, minSamplesSplit: 2, minSamplesLeaf: 5, maxFeatures: F, maxLeafNodes, minHessianLeaf: 1e-3 }, undefined));
      expect(tree.feature.filter((f) => f >= 0).length).toBeGreaterThan(5);
      const expected = new Float64Array(2 * Xval.rows).fill(0.25);
      TreeEnsemble.concat([tree], 1, F).addTree(0, Xval, expected, 2, 1, 1);
      const got = new Float64Array(2 * Xval.rows).fill(0.25);
      addBinnedTree(tree, data, codes, Xval.rows, got, 2, 1);
      expect(Array.from(got)).toEqual(Array.from(expected));
    }
  });
});

describe("TreeEnsemble.addTrees", () => {
  it("adds a range of trees a block of rows at a time, to the bit what addTree gives tree by tree", async () => {
    const rng = new Rng(4);
    const n = 2500; // more rows than a block, and not a multiple of it
    const X = { data: Float64Array.from({ length: n * 6 }, () => (rng.next() < 0.05 ? NaN : rng.normal())), rows: n, cols: 6 };
    const y = Float64Array.from({ length: n }, (_, i) => (X.data[i * 6]! > 0.5 ? 2 : X.data[i * 6 + 1]! > 0 ? 1 : 0));
    const e = (await new HistGradientBoostingClassifier({ max_iter: 12, early_stopping: false, random_state: 0 }).fit(X, y)).trees_!;
    expect(e.nTrees).toBe(36); // 3 classes x 12 rounds
    const column = (t: number) => t % 3;
    const byTree = new Float64Array(n * 3);
    for (let t = 5; t < 30; t++) e.addTree(t, X, byTree, 3, column(t), 0.5);
    const blocked = new Float64Array(n * 3);
    e.addTrees(5, 30, X, blocked, 3, column, 0.5);
    expect(Array.from(blocked)).toEqual(Array.from(byTree));
    expect(byTree.some((v) => v !== 0)).toBe(true);
  });
});

/** A random tree over `cols` features, unbalanced (a node splits with probability 0.8 down to depth `maxDepth`), thresholds from `pick`. */
function randomTree(rng: Rng, cols: number, nOut: number, maxDepth: number, pick: () => number): TreeArrays {
  const feature: number[] = [], threshold: number[] = [], left: number[] = [], right: number[] = [], missingLeft: number[] = [];
  const grow = (depth: number): number => {
    const id = feature.length;
    const split = depth < maxDepth && (depth === 0 || rng.next() < 0.8);
    feature.push(split ? rng.int(cols) : -1);
    threshold.push(split ? pick() : 0);
    missingLeft.push(rng.int(2));
    left.push(-1);
    right.push(-1);
    if (split) {
      left[id] = grow(depth + 1);
      right[id] = grow(depth + 1);
    }
    return id;
  };
  grow(0);
  const n = feature.length;
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    missingLeft: Uint8Array.from(missingLeft),
    value: Float64Array.from({ length: n * nOut }, () => rng.normal()),
    importance: new Float64Array(cols),
  };
}

describe("TreeEnsemble.addTrees over random trees", () => {
  it.each([1, 3])("finds the leaves `leaf` finds, NaNs and zeros of both signs included, to the bit (%i outputs)", (nOut) => {
    const rng = new Rng(11 + nOut);
    const cols = 7;
    const special = [NaN, -0, 0, Infinity, -Infinity, 1e-310];
    const value = () => (rng.next() < 0.15 ? special[rng.int(special.length)]! : Math.round(rng.normal() * 4) / 4);
    const pick = () => (rng.next() < 0.1 ? [-0, 0, Infinity, -Infinity][rng.int(4)]! : Math.round(rng.normal() * 4) / 4);
    const trees = Array.from({ length: 30 }, (_, t) => randomTree(rng, cols, nOut, t % 5 === 0 ? 0 : 1 + rng.int(14), pick));
    const e = TreeEnsemble.concat(trees, nOut, cols);
    for (const n of [1, 7, 9, 2077]) {
      const X = { data: Float64Array.from({ length: n * cols }, value), rows: n, cols };
      const stride = nOut + 1;
      const byTree = new Float64Array(n * stride).fill(0.5);
      for (let t = 2; t < 29; t++) for (let i = 0; i < n; i++) for (let j = 0; j < nOut; j++) byTree[i * stride + (t % 2) + j]! += 0.3 * e.value[e.leaf(t, X, i) * nOut + j]!;
      const blocked = new Float64Array(n * stride).fill(0.5);
      e.addTrees(2, 29, X, blocked, stride, (t) => t % 2, 0.3);
      expect(Array.from(blocked).map((v) => Object.is(v, -0) ? "-0" : v)).toEqual(Array.from(byTree).map((v) => Object.is(v, -0) ? "-0" : v));
    }
  });
});

describe("TreeEnsemble.addTrees by range (a staged fit's scoring)", () => {
  it("adds stage after stage of new trees over the same rows, in ensembles rebuilt each stage, to the bit what addTree gives", () => {
    const rng = new Rng(21);
    const cols = 5;
    const trees = Array.from({ length: 40 }, (_, t) => randomTree(rng, cols, 1, t < 8 ? 2 : 1 + rng.int(12), () => Math.round(rng.normal() * 4) / 4));
    const n = 2077;
    const X = { data: Float64Array.from({ length: n * cols }, () => (rng.next() < 0.05 ? NaN : Math.round(rng.normal() * 4) / 4)), rows: n, cols };
    const byTree = new Float64Array(n);
    const ranged = new Float64Array(n);
    // small trees first: the later stages outgrow the descent made for the first and get a larger one
    for (const [from, to] of [[0, 4], [4, 8], [8, 20], [20, 21], [21, 40]] as const) {
      const e = TreeEnsemble.concat(trees.slice(0, to), 1, cols);
      for (let t = from; t < to; t++) e.addTree(t, X, byTree, 1, 0, 1);
      e.addTrees(from, to, X, ranged, 1, () => 0, 1, "range");
      expect(Array.from(ranged)).toEqual(Array.from(byTree));
    }
  });

  it("adds by range over a matrix too wide to keep a descent with, the same sums", () => {
    const rng = new Rng(22);
    const cols = 600;
    const trees = Array.from({ length: 12 }, () => randomTree(rng, cols, 2, 6, () => rng.normal()));
    const X = { data: Float64Array.from({ length: 50 * cols }, () => rng.normal()), rows: 50, cols };
    const e = TreeEnsemble.concat(trees, 2, cols);
    const byTree = new Float64Array(100);
    for (let t = 0; t < 12; t++) e.addTree(t, X, byTree, 2, 0, 1);
    const ranged = new Float64Array(100);
    e.addTrees(0, 6, X, ranged, 2, () => 0, 1, "range");
    e.addTrees(6, 12, X, ranged, 2, () => 0, 1, "range");
    expect(Array.from(ranged)).toEqual(Array.from(byTree));
  });
});

describe("TreeEnsemble state", () => {
  const rng = new Rng(9);
  const n = 600;
  const X = { data: Float64Array.from({ length: n * 4 }, () => rng.normal()), rows: n, cols: 4 };
  const y = Float64Array.from({ length: n }, (_, i) => Math.min(5, Math.floor(Math.abs(X.data[i * 4]! * 3))));
  const predict = (t: TreeEnsemble) => {
    const out = new Float64Array(n * t.nOut);
    t.addTrees(0, t.nTrees, X, out, t.nOut, () => 0, 1);
    return Array.from(out);
  };

  it("keeps a forest's class shares at its leaves sparsely (most are 0), and predicts the same once restored", async () => {
    const e = (await new RandomForestClassifier({ n_estimators: 5, random_state: 0, n_jobs: 1 }).fit(X, y)).trees_!;
    e.value[e.feature.indexOf(-1) * e.nOut + 1] = -0; // a -0 comes back as -0
    const leaves = e.feature.filter((f) => f === -1).length;
    expect(2 * leaves).toBe(e.feature.length + e.nTrees); // a binary tree has one leaf more than split nodes: about half of them
    const state = e.toState();
    expect(state.value).toBeUndefined();
    expect(state.leafValue).toBeUndefined();
    const nonzero = (state.leafNonzero as Float64Array).length;
    expect(nonzero).toBeLessThan(leaves * 2); // 6 classes, nearly pure leaves
    expect((state.leafStart as Int32Array).length).toBe(leaves + 1);
    const back = TreeEnsemble.fromState(state);
    expect(predict(back)).toEqual(predict(e));
    for (let i = 0; i < e.feature.length; i++) if (e.feature[i] === -1) for (let j = 0; j < e.nOut; j++) expect(Object.is(back.value[i * e.nOut + j], e.value[i * e.nOut + j])).toBe(true);
  });

  it("keeps dense leaf values where few are 0 (boosting), and still loads a state with every node's values", async () => {
    const e = (await new HistGradientBoostingClassifier({ max_iter: 5, early_stopping: false, random_state: 0 }).fit(X, y)).trees_!;
    const state = e.toState();
    expect((state.leafValue as Float64Array).length).toBe(e.feature.filter((f) => f === -1).length * e.nOut);
    expect(predict(TreeEnsemble.fromState(state))).toEqual(predict(e));
    const older: Record<string, StateValue> = { ...state, value: e.value };
    delete older.leafValue;
    expect(predict(TreeEnsemble.fromState(older))).toEqual(predict(e));
  });
});
