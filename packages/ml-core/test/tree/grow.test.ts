import { Rng } from "../../src/core/rng";
import { binData } from "../../src/tree/binner";
import { TreeEnsemble } from "../../src/tree/flat-tree";
import { CRITERIA, growTree } from "../../src/tree/grow";
import { statLayout } from "../../src/tree/stat-layout";

const opts = { maxDepth: Infinity, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: 2, maxLeafNodes: 0, minHessianLeaf: 0 };

function xorData(n: number) {
  const rng = new Rng(9);
  const data = new Float64Array(n * 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.next(), b = rng.next();
    data[2 * i] = a;
    data[2 * i + 1] = b;
    y[i] = (a > 0.5) !== (b > 0.3) ? 1 : 0;
  }
  return { X: { data, rows: n, cols: 2 }, y };
}

describe("growTree", () => {
  it("grows a classification tree to purity, predicting the training rows from raw features", () => {
    for (const n of [200, 3000]) { // small nodes only, and large nodes with histogram subtraction
      const { X, y } = xorData(n);
      const data = binData(X);
      const sample = Int32Array.from({ length: n }, (_, i) => i);
      const tree = growTree(data, { kind: "class", y, nClasses: 2, weight: new Float64Array(n).fill(1), criterion: "gini" }, sample, opts, undefined);
      const e = TreeEnsemble.concat([tree], 2, 2);
      let wrong = 0;
      for (let i = 0; i < n; i++) if (e.value[e.leaf(0, X, i) * 2 + y[i]!] !== 1) wrong++;
      expect(wrong).toBe(0);
    }
  });

  it("with features drawn per node, grows the same pure tree from kept all-feature histograms (few features) as from per-node builds (many)", () => {
    // the same two informative columns, plus 2 or 20 noise columns: with 4 columns the root keeps
    // all-feature histograms down lopsided splits; with 22 every node builds its drawn features
    const n = 3000;
    const { X: base, y } = xorData(n);
    const rng = new Rng(4);
    for (const extra of [2, 20]) {
      const F = 2 + extra;
      const data = new Float64Array(n * F);
      for (let i = 0; i < n; i++) {
        data[i * F] = base.data[2 * i]!;
        data[i * F + 1] = base.data[2 * i + 1]!;
        for (let j = 2; j < F; j++) data[i * F + j] = rng.next() < 0.05 ? NaN : rng.next();
      }
      const X = { data, rows: n, cols: F };
      const weight = new Float64Array(n);
      for (let i = 0; i < n; i++) weight[i] = 1 + (i % 3);
      const sample = Int32Array.from({ length: n }, (_, i) => i);
      const tree = growTree(binData(X), { kind: "class", y, nClasses: 2, weight, criterion: "gini" }, sample, { ...opts, maxFeatures: 1 }, new Rng(8));
      const e = TreeEnsemble.concat([tree], 2, F);
      let wrong = 0;
      for (let i = 0; i < n; i++) if (e.value[e.leaf(0, X, i) * 2 + y[i]!] !== 1) wrong++;
      expect(wrong).toBe(0);
      // leaf values are the class shares of the leaf's rows
      for (let node = 0; node < tree.feature.length; node++) {
        if (tree.feature[node] !== -1) continue;
        let w1 = 0, w = 0;
        for (let r = tree.start[node]!; r < tree.end[node]!; r++) {
          const i = tree.rows[r]!;
          w += weight[i]!;
          if (y[i] === 1) w1 += weight[i]!;
        }
        expect(tree.value[node * 2 + 1]).toBeCloseTo(w1 / w, 12);
      }
    }
  });

  it("with features drawn per node, stops drawing once max_features were drawn and one was not constant, even without a valid split (scikit-learn's rule)", () => {
    // feature 0 separates one row only (no valid split under min_samples_leaf 5), feature 1 separates the classes
    const n = 40;
    const data = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      data[2 * i] = i === 0 ? 1 : 0;
      data[2 * i + 1] = i < n / 2 ? 0 : 1;
      y[i] = i < n / 2 ? 0 : 1;
    }
    const binned = binData({ data, rows: n, cols: 2 });
    const grow = { ...opts, maxFeatures: 1, minSamplesLeaf: 5 };
    const nodes = Array.from({ length: 20 }, (_, seed) => {
      const sample = Int32Array.from({ length: n }, (_, i) => i);
      return growTree(binned, { kind: "class", y, nClasses: 2, weight: new Float64Array(n).fill(1), criterion: "gini" }, sample, grow, new Rng(seed)).feature.length;
    });
    // root drew feature 0: a leaf; drew feature 1: a split into two pure leaves
    expect(nodes.filter((c) => c === 1).length).toBeGreaterThan(0);
    expect(nodes.filter((c) => c === 3).length).toBeGreaterThan(0);
    expect(nodes.every((c) => c === 1 || c === 3)).toBe(true);
  });

  it("with positive hessians, (g, h) histograms without a row count make the same splits as with one", () => {
    // 3% missing values, binary and few-valued features: empty bins, missing slots, lopsided splits
    const n = 4000, F = 6;
    const rng = new Rng(12);
    const X = new Float64Array(n * F);
    const g = new Float64Array(n), h = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < F; f++) X[i * F + f] = rng.next() < 0.03 ? NaN : f % 2 === 0 ? rng.normal() : Math.floor(rng.next() * (f + 1));
      g[i] = (X[i * F] || 0) - (X[i * F + 3] || 0) + 0.5 * rng.normal();
      h[i] = i % 7 === 0 ? 1e-16 : 0.05 + 0.2 * rng.next();
    }
    const data = binData({ data: X, rows: n, cols: F });
    const target = { kind: "grad", g, h, l2: 1, regularization: { l2: 1, alpha: 0, maxDeltaStep: 0, minChildWeight: 0.5 } } as const;
    const xgb = { ...opts, maxFeatures: F, maxDepth: 8, minHessianLeaf: 0.5, minSplitLoss: 0, unseenMissingRight: true };
    const sample = () => Int32Array.from({ length: n }, (_, i) => i);
    const counted = growTree(data, target, sample(), xgb, undefined);
    const uncounted = growTree(data, target, sample(), { ...xgb, positiveHessians: true }, undefined);
    expect(statLayout(data, target, { ...xgb, positiveHessians: true }, 0)).toMatchObject({ counted: false, C: 2 });
    expect(counted.feature.length).toBeGreaterThan(50);
    expect(Array.from(uncounted.feature)).toEqual(Array.from(counted.feature));
    expect(Array.from(uncounted.threshold)).toEqual(Array.from(counted.threshold));
    expect(Array.from(uncounted.missingLeft)).toEqual(Array.from(counted.missingLeft));
    expect(Array.from(uncounted.rows)).toEqual(Array.from(counted.rows));
    for (let node = 0; node < counted.value.length; node++) expect(uncounted.value[node]).toBeCloseTo(counted.value[node]!, 12);
  });

  it("leaves partition the sample rows into contiguous ranges", () => {
    const { X, y } = xorData(1000);
    const sample = Int32Array.from({ length: 1000 }, (_, i) => i);
    const t = growTree(binData(X), { kind: "grad", g: y, l2: 0 }, sample, { ...opts, maxDepth: 3 }, undefined);
    let covered = 0;
    for (let node = 0; node < t.feature.length; node++) if (t.feature[node] === -1) covered += t.end[node]! - t.start[node]!;
    expect(covered).toBe(1000);
    expect(new Set(t.rows).size).toBe(1000);
  });

  it("best-first growth stops at maxLeafNodes leaves", () => {
    const { X, y } = xorData(1000);
    const sample = Int32Array.from({ length: 1000 }, (_, i) => i);
    const t = growTree(binData(X), { kind: "grad", g: y, l2: 0 }, sample, { ...opts, maxLeafNodes: 5 }, undefined);
    expect(t.feature.filter((f) => f === -1).length).toBe(5);
  });

  it("scores a pure split higher than a mixed one under both criteria", () => {
    for (const name of ["gini", "entropy"] as const) {
      const s = CRITERIA[name];
      const pure = s(Float64Array.of(10, 0), 0, 2, 0) + s(Float64Array.of(0, 10), 0, 2, 0);
      const mixed = s(Float64Array.of(5, 5), 0, 2, 0) + s(Float64Array.of(5, 5), 0, 2, 0);
      expect(pure).toBeGreaterThan(mixed);
    }
  });
});
