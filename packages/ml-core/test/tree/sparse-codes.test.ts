import { Rng } from "../../src/core/rng";
import { startHistTeam, shutdownTreeWorkers } from "../../src/ensemble/parallel";
import { binData, MISSING_BIN, type BinnedData } from "../../src/tree/binner";
import { growTree, type GrowOptions } from "../../src/tree/grow";
import { histBuilderFor } from "../../src/tree/hist-builder";
import { HistTeam } from "../../src/tree/hist-team";
import { sparseCodes, worthSparse } from "../../src/tree/sparse-codes";
import { expectSameTree } from "./same-tree";

/**
 * Rows of one-hot data: 3 numeric features, one-hot groups of 2, 3 and 4 categories, a binary
 * feature that is 1 in a tenth of the rows, and a feature missing in 80% of them (its default bin
 * is the missing slot). Sparse: every feature but the numeric ones and the 2-category group's
 * columns when its categories are near even.
 */
function oneHot(n: number, seed: number): { data: BinnedData; g: Float64Array; h: Float64Array } {
  const rng = new Rng(seed);
  const F = 3 + 2 + 3 + 4 + 1 + 1;
  const X = new Float64Array(n * F);
  const g = new Float64Array(n), h = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = X.subarray(i * F, (i + 1) * F);
    for (let f = 0; f < 3; f++) row[f] = rng.normal();
    row[3 + (rng.next() < 0.7 ? 0 : 1)] = 1;
    row[5 + Math.min(2, Math.floor(rng.next() * rng.next() * 4))] = 1;
    row[8 + Math.floor(rng.next() * 4)] = 1;
    row[12] = rng.next() < 0.1 ? 1 : 0;
    row[13] = rng.next() < 0.8 ? NaN : rng.normal();
    g[i] = row[0]! + 2 * row[5]! - row[12]! + 0.3 * rng.normal();
    h[i] = 0.2 + rng.next();
  }
  return { data: binData({ data: X, rows: n, cols: F }), g, h };
}

const opts: GrowOptions = { maxDepth: Infinity, minSamplesSplit: 2, minSamplesLeaf: 5, maxFeatures: 14, maxLeafNodes: 31, minHessianLeaf: 1e-3, sparseHistograms: true };

describe("sparseCodes", () => {
  it("keeps each row's bins outside its features' default bins, and the defaults hold the rest", () => {
    const { data } = oneHot(2000, 1);
    const s = sparseCodes(data)!;
    expect(Array.from(s.sparse)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    const { rows: n, cols: F, nBins, codes } = data;
    const first = [0];
    for (let f = 0; f < F; f++) first.push(first[f]! + nBins[f]! + 1);
    for (let i = 0; i < n; i++) {
      // the slot of every feature in row i, from its entries or else its default
      const slots = new Map<number, number>();
      for (let e = s.starts[i]!; e < s.starts[i + 1]!; e++) {
        const bin = s.entries[e]!;
        const f = first.findIndex((b, k) => bin >= b && bin < first[k + 1]!);
        expect(slots.has(f)).toBe(false);
        slots.set(f, bin - first[f]!);
      }
      s.sparse.forEach((f, j) => {
        if (!slots.has(f)) slots.set(f, s.defaults[j]!);
        else expect(slots.get(f)).not.toBe(s.defaults[j]);
      });
      for (let f = 0; f < F; f++) {
        const c = codes[f * n + i]!;
        expect(slots.get(f)).toBe(c === MISSING_BIN ? nBins[f] : c);
      }
    }
    expect(s.defaults[s.sparse.indexOf(13)]).toBe(nBins[13]); // the missing slot
  });

  it("is not made for dense data", () => {
    const rng = new Rng(2);
    const X = Float64Array.from({ length: 2000 * 5 }, () => rng.normal());
    expect(sparseCodes(binData({ data: X, rows: 2000, cols: 5 }))).toBeUndefined();
  });
});

describe("histograms from sparse codes", () => {
  afterAll(() => shutdownTreeWorkers());
  const { data, g, h } = oneHot(3000, 3);
  const team = new HistTeam(data, { sparse: true });
  afterAll(() => team.stop());
  const sample = () => Int32Array.from({ length: data.rows }, (_, i) => i);

  it("are the dense histograms, counts exactly and sums to rounding; the team's and the JS loops' to the bit", () => {
    for (const target of [{ kind: "grad", g, h, l2: 0 }, { kind: "grad", g, l2: 0 }] as const) {
      const dense = histBuilderFor(data, target, sample(), { ...opts, sparseHistograms: false }, undefined);
      const js = histBuilderFor(data, target, sample(), opts, undefined);
      const wasm = histBuilderFor(data, target, sample(), opts, undefined, team);
      const C = dense.layout.C, n = data.rows;
      const hists = [dense, js, wasm].map((b) => {
        // the root's rows in order, then the left side of a split on a one-hot column, scattered
        const totals = new Float64Array(C);
        for (let i = 0; i < n; i++) {
          totals[0]! += g[i]!;
          if (C === 3) totals[1]! += h[i]!;
        }
        totals[C - 1] = n;
        const root = b.acquire();
        b.buildFull(root, 0, n, totals);
        const mid = b.partition(0, n, 9, 0, false);
        const left = new Float64Array(C);
        for (let r = 0; r < mid; r++) {
          left[0]! += g[b.rows[r]!]!;
          if (C === 3) left[1]! += h[b.rows[r]!]!;
        }
        left[C - 1] = mid;
        const small = b.acquire();
        b.buildFull(small, 0, mid, left);
        return [Float64Array.from(root), Float64Array.from(small)];
      });
      expect(hists[2]).toEqual(hists[1]);
      for (const k of [0, 1]) {
        const [d, s] = [hists[0]![k]!, hists[1]![k]!];
        for (let t = 0; t < d.length; t++) {
          if (t % C === C - 1) expect(s[t]).toBe(d[t]);
          else expect(Math.abs(s[t]! - d[t]!)).toBeLessThan(1e-9);
        }
      }
    }
  });

  it("are left for the dense build on a node too small to pay for its default bins (worthSparse), to the bit", () => {
    const target = { kind: "grad", g, h, l2: 0 } as const;
    const s = sparseCodes(data)!;
    const m = 30;
    expect(worthSparse(s, m, 3)).toBe(false);
    expect(worthSparse(s, data.rows, 3)).toBe(true);
    const hists = [histBuilderFor(data, target, sample(), { ...opts, sparseHistograms: false }, undefined), histBuilderFor(data, target, sample(), opts, undefined), histBuilderFor(data, target, sample(), opts, undefined, team)].map((b) => {
      const hist = b.acquire();
      b.buildFull(hist, 100, 100 + m, [NaN, NaN, NaN]); // scattered rows (not 0..n-1); the totals are not read
      return Array.from(hist);
    });
    expect(hists[1]).toEqual(hists[0]);
    expect(hists[2]).toEqual(hists[0]);
  });

  it("grow the same trees with the team's helper threads as with the JS loops, large nodes in chunks", async () => {
    // 70,000 rows: the root's in 4 chunks (CHUNK_ROWS), its children's in 2 to 4
    const { data: big, g: bg, h: bh } = oneHot(70_000, 4);
    const helped = startHistTeam(big, 1)!;
    try {
      for (const withHess of [true, false]) {
        const target = { kind: "grad", g: bg, ...(withHess ? { h: bh } : {}), l2: 0.5 } as const;
        const js = growTree(big, target, Int32Array.from({ length: big.rows }, (_, i) => i), opts, undefined);
        const wasm = growTree(big, target, Int32Array.from({ length: big.rows }, (_, i) => i), opts, undefined, helped);
        expectSameTree(wasm, js);
        expect(js.feature.filter((f) => f >= 0).length).toBe(30);
      }
    } finally {
      helped.stop();
    }
  });

  it("need a team made with sparse codes", () => {
    const plain = new HistTeam(data);
    try {
      expect(() => histBuilderFor(data, { kind: "grad", g, l2: 0 }, sample(), opts, undefined, plain)).toThrow(/sparse codes/);
    } finally {
      plain.stop();
    }
  });
});
