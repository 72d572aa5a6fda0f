import { Rng } from "../../src/core/rng";
import { binData } from "../../src/tree/binner";
import { ClassArena, classArenaFor } from "../../src/tree/class-arena";
import { classWidth, growTree, type GrowOptions } from "../../src/tree/grow";
import { expectSameTree } from "./same-tree";

/** Rows of mixed features: continuous, binary, few-valued, with missing values; k classes. */
function dataset(n: number, k: number) {
  const rng = new Rng(21);
  const F = 12;
  const X = new Float64Array(n * F);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < F; f++) {
      const v = f < 4 ? rng.normal() : f < 8 ? (rng.next() < 0.4 ? 1 : 0) : Math.floor(rng.next() * 5);
      X[i * F + f] = rng.next() < 0.03 ? NaN : v;
    }
    const score = (X[i * F] || 0) + (X[i * F + 4] || 0) - 0.5 * (X[i * F + 9] || 0) + 0.8 * rng.normal();
    y[i] = Math.min(k - 1, Math.max(0, Math.floor((score + 2) / (4 / k))));
  }
  return { X: { data: X, rows: n, cols: F }, y };
}

describe("ClassArena", () => {
  it("grows the same class trees with features drawn per node as the JS loops (2, 3 and 26 classes, counted or not, gini or entropy, bootstrap weights)", () => {
    for (const [k, minSamplesLeaf, criterion] of [[2, 1, "gini"], [3, 1, "gini"], [2, 3, "gini"], [3, 3, "gini"], [2, 1, "entropy"], [26, 1, "gini"], [26, 3, "gini"], [26, 1, "entropy"]] as const) {
      {
        const n = 1500; // large nodes (two histograms from 256 rows) and small ones
        const { X, y } = dataset(n, k);
        const data = binData(X);
        const opts: GrowOptions = { maxDepth: Infinity, minSamplesSplit: 2, minSamplesLeaf, maxFeatures: 3, maxLeafNodes: 0, minHessianLeaf: 0 };
        const draw = new Rng(5);
        const weight = new Float64Array(n);
        for (let i = 0; i < n; i++) weight[draw.int(n)]! += 1;
        const sample = Int32Array.from({ length: n }, (_, i) => i).filter((i) => weight[i]! > 0);
        const arena = new ClassArena(data, classWidth(k, opts, data.cols));
        const grow = (a: ClassArena | undefined) => growTree(data, { kind: "class", y, nClasses: k, weight, criterion }, Int32Array.from(sample), opts, new Rng(8), undefined, a);
        const js = grow(undefined);
        const wasm = grow(arena);
        expect(js.feature.length).toBeGreaterThan(50);
        expectSameTree(wasm, js);
      }
    }
  });

  it("is kept per thread for the same data and width, and replaced for others", () => {
    const data = binData(dataset(300, 2).X);
    const a = classArenaFor(data, 2)!;
    expect(a).toBeInstanceOf(ClassArena);
    expect(classArenaFor(data, 2)).toBe(a);
    expect(classArenaFor(data, 4)).not.toBe(a);
    expect(classArenaFor(binData(dataset(300, 2).X), 4)!.width).toBe(4);
  });
});
