import { Rng } from "../../src/core/rng";
import { binData } from "../../src/tree/binner";
import { growTree } from "../../src/tree/grow";
import { addClassRows } from "../../src/tree/hist-loops";
import { expectSameTree } from "./same-tree";
import { HistTeam } from "../../src/tree/hist-team";
import { growForest, shutdownTreeWorkers, startHistTeam } from "../../src/ensemble/parallel";
import type { ForestJob } from "../../src/ensemble/forest-tree";

const opts = { maxDepth: 6, minSamplesSplit: 2, minSamplesLeaf: 20, maxFeatures: 30, maxLeafNodes: 31, minHessianLeaf: 1e-3 };

function data(n: number, F: number) {
  const rng = new Rng(5);
  const X = new Float64Array(n * F);
  for (let i = 0; i < X.length; i++) X[i] = rng.next() < 0.02 ? NaN : rng.normal();
  const g = new Float64Array(n), h = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    g[i] = X[i * F]! + X[i * F + 3]! * X[i * F + 7]! + 0.3 * rng.normal() || 0;
    h[i] = 0.1 + rng.next();
  }
  return { binned: binData({ data: X, rows: n, cols: F }), g, h };
}

describe("HistTeam", () => {
  afterAll(() => shutdownTreeWorkers());

  it("gives a helper that joins before the first build nothing to claim", async () => {
    const { binned } = data(20_000, 30);
    const job: ForestJob = { data: binned, y: new Float64Array(binned.rows), nClasses: 0, criterion: "squared_error", classWeight: null, balancedSubsample: false, bootstrap: true, grow: { ...opts, maxLeafNodes: 0, maxDepth: 1 } };
    await growForest(job, [1, 2], 2, undefined, 0, false);
    const team = startHistTeam(binned, 1)!;
    try {
      // let the helper start and look for work
      await new Promise((r) => setTimeout(r, 300));
      const ctrl = team.shared.ctrl;
      expect(Atomics.load(ctrl, 1)).toBe(0); // no unit counted done
      expect(Atomics.load(ctrl, 0) & 0xfff).toBe(30); // the ticket still says "none left"
    } finally {
      team.stop();
    }
  });

  it("grows the same boosting trees with helper threads, without, and with the team alone", async () => {
    // an odd count past several blocks of rows (BLOCK_ROWS)
    const { binned, g, h } = data(40_001, 30);
    // start a pool thread first (from TypeScript it takes a while), so that it joins the team
    const job: ForestJob = { data: binned, y: new Float64Array(binned.rows), nClasses: 0, criterion: "squared_error", classWeight: null, balancedSubsample: false, bootstrap: true, grow: { ...opts, maxLeafNodes: 0, maxDepth: 1 } };
    await growForest(job, [1, 2], 2, undefined, 0, false);
    const team = startHistTeam(binned, 1)!;
    expect(team).toBeDefined();
    const alone = new HistTeam(binned);
    const grow = (t: HistTeam | undefined, withHess: boolean) => growTree(binned, { kind: "grad", g, ...(withHess ? { h } : {}), l2: 0.5 }, Int32Array.from({ length: binned.rows }, (_, i) => i), opts, undefined, t);
    try {
      for (const withHess of [true, false]) {
        const solo = grow(undefined, withHess);
        for (const t of [team, alone]) {
          for (let rep = 0; rep < 3; rep++) {
            expectSameTree(grow(t, withHess), solo);
          }
        }
        expect(solo.feature.filter((f) => f >= 0).length).toBe(30);
      }
    } finally {
      team.stop();
      alone.stop();
    }
  });
});

describe("HistTeam past the caches", () => {
  afterAll(() => shutdownTreeWorkers());

  it("grows the same trees with its nodes' pairs gathered (8 MiB of codes and pairs) as the JS loops", async () => {
    // 2^17 rows x 48 features: n (F + 16) bytes is 8 MiB, past GATHER_MIN_BYTES, where scattered
    // builds of GATHER_MIN_ROWS rows or more (at most half of them) gather their pairs and build
    // feature by feature; codes drawn directly (binning millions of values would take most of the test)
    const n = 1 << 17, F = 48, rng = new Rng(8);
    const codes = new Uint8Array(n * F);
    // an LCG's high bits: 6M draws of Rng take a while here
    for (let i = 0, x = 1; i < codes.length; i++) {
      x = (Math.imul(x, 1664525) + 1013904223) | 0;
      const b = x >>> 23;
      codes[i] = b < 10 ? 255 : b % 200;
    }
    const binned = { codes, rows: n, cols: F, nBins: new Int32Array(F).fill(200), edges: Float64Array.from({ length: 199 * F }, (_, j) => j % 199), edgeOffset: Int32Array.from({ length: F + 1 }, (_, f) => 199 * f) };
    const g = Float64Array.from({ length: n }, (_, i) => (codes[i]! % 7) - (codes[3 * n + i]! % 5) + rng.next());
    const h = Float64Array.from({ length: n }, () => 0.1 + rng.next());
    const job: ForestJob = { data: binned, y: new Float64Array(binned.rows), nClasses: 0, criterion: "squared_error", classWeight: null, balancedSubsample: false, bootstrap: true, grow: { ...opts, maxLeafNodes: 0, maxDepth: 1 } };
    await growForest(job, [1, 2], 2, undefined, 0, false);
    const team = startHistTeam(binned, 1)!;
    const grow = (t: HistTeam | undefined, withHess: boolean) => growTree(binned, { kind: "grad", g, ...(withHess ? { h } : {}), l2: 0.5 }, Int32Array.from({ length: binned.rows }, (_, i) => i), { ...opts, maxFeatures: 48, maxDepth: 4, maxLeafNodes: 0 }, undefined, t);
    try {
      // (g, h, count) and, with unit hessians, (g, count) per bin
      for (const withHess of [true, false]) {
        const solo = grow(undefined, withHess);
        expectSameTree(grow(team, withHess), solo);
        expect(solo.feature.filter((f) => f >= 0).length).toBeGreaterThan(10);
      }
    } finally {
      team.stop();
    }
  });
});

describe("HistTeam for two-class trees over every feature", () => {
  it("grows the same trees as the JS loops, from all rows in order (odd count) and from a weighted sample, with and without class weights", () => {
    const n = 3001;
    const { binned } = data(n, 12);
    const rng = new Rng(3);
    const y = Float64Array.from({ length: n }, (_, i) => ((binned.codes[i]! + binned.codes[5 * n + i]!) % 7 < 3 ? 1 : 0) ^ (rng.next() < 0.1 ? 1 : 0));
    const team = new HistTeam(binned);
    const grow = { ...opts, maxFeatures: 12, maxLeafNodes: 0, maxDepth: 8, minSamplesLeaf: 2 };
    const ones = new Float64Array(n).fill(1);
    const counts = new Float64Array(n);
    for (let i = 0; i < n; i++) counts[rng.int(n)]! += 1;
    // class weights that make the sums inexact, so that the order of the additions shows
    const classWeight = (w: Float64Array) => w.map((v, i) => v * (y[i] === 1 ? 1.37 : 0.61));
    for (const weight of [ones, counts, classWeight(ones), classWeight(counts)]) {
      const sample = Int32Array.from({ length: n }, (_, i) => i).filter((i) => weight[i]! > 0);
      const tree = (t: HistTeam | undefined) => growTree(binned, { kind: "class", y, nClasses: 2, weight, criterion: "gini" }, Int32Array.from(sample), grow, undefined, t);
      const js = tree(undefined);
      const wasm = tree(team);
      expect(js.feature.length).toBeGreaterThan(40);
      expectSameTree(wasm, js);
    }
  });
});

describe("HistTeam.partition", () => {
  afterAll(() => shutdownTreeWorkers());

  it("splits rows stably, by halves with a helper from 32768 rows, counting the missing ones of both halves", async () => {
    const n = 70_001, F = 2, rng = new Rng(6);
    // missing values only in the second half of the rows, which arrive shuffled
    const X = Float64Array.from({ length: n * F }, (_, j) => (j >= n && rng.next() < 0.1 ? NaN : Math.floor(rng.next() * 50)));
    const binned = binData({ data: X, rows: n, cols: F });
    const job: ForestJob = { data: binned, y: new Float64Array(n), nClasses: 0, criterion: "squared_error", classWeight: null, balancedSubsample: false, bootstrap: true, grow: { ...opts, maxLeafNodes: 0, maxDepth: 1 } };
    await growForest(job, [1, 2], 2, undefined, 0, false);
    const team = startHistTeam(binned, 1)!;
    try {
      // the helper joined (the team's ctrl word 7 counts its threads): partitions go by halves
      while (Atomics.load(team.shared.ctrl, 7) < 2) await new Promise((r) => setTimeout(r, 10));
      const order = rng.permutation(n);
      for (const [start, end, missingLeft] of [[0, n, true], [3, n - 5, false], [100, 40_000, true], [500, 1500, false]] as const) {
        team.rows.set(order);
        const inRange = Array.from(order.subarray(start, end));
        // a row's code (its column's): X's row-major values binned per column
        const code = (i: number) => binned.codes[n + i]!;
        const goesLeft = (i: number) => (code(i) === 255 ? missingLeft : code(i) <= 20);
        const expected = [...inRange.filter(goesLeft), ...inRange.filter((i) => !goesLeft(i))];
        const mid = team.partition(start, end, 1, 20, missingLeft);
        expect(mid - start).toBe(inRange.filter(goesLeft).length);
        expect(Array.from(team.rows.subarray(start, end))).toEqual(expected);
        expect(team.missing).toBe(inRange.filter((i) => code(i) === 255).length);
        expect(team.missing).toBeGreaterThan(0);
      }
    } finally {
      team.stop();
    }
  });
});

describe("HistTeam.isIdentity", () => {
  it("tells rows 0..m-1 in order from any other order, in the quads and in the odd tail", () => {
    const { binned } = data(1003, 3);
    const team = new HistTeam(binned);
    try {
      const rows = team.rows;
      rows.forEach((_, i) => (rows[i] = i));
      expect([1003, 1002, 1001, 1000, 1, 0].map((m) => team.isIdentity(m))).toEqual([true, true, true, true, true, true]);
      for (const [a, b] of [[0, 1], [500, 501], [998, 1002], [1001, 1002]] as const) {
        [rows[a], rows[b]] = [rows[b]!, rows[a]!];
        expect([team.isIdentity(1003), team.isIdentity(a)]).toEqual([false, true]);
        [rows[a], rows[b]] = [rows[b]!, rows[a]!];
      }
    } finally {
      team.stop();
    }
  });
});

describe("HistTeam kernels against the JS loops", () => {
  it("build a two-class histogram of rows in order (odd count, inexact weights) to the bit", () => {
    // few bins, so that each holds hundreds of rows and the order of the additions shows in the last bits
    const n = 2001, F = 40;
    const rng = new Rng(12);
    const binned = binData({ data: Float64Array.from({ length: n * F }, () => (rng.next() < 0.02 ? NaN : Math.floor(rng.next() * 5))), rows: n, cols: F });
    const y = Int32Array.from({ length: n }, () => (rng.next() < 0.4 ? 1 : 0));
    const w = Float64Array.from({ length: n }, () => 0.1 + rng.next());
    const team = new HistTeam(binned);
    for (let i = 0; i < n; i++) {
      team.ab[2 * i] = y[i] === 0 ? w[i]! : 0;
      team.ab[2 * i + 1] = y[i] === 1 ? w[i]! : 0;
    }
    const off = new Int32Array(F + 1);
    for (let f = 0; f < F; f++) off[f + 1] = off[f]! + (binned.nBins[f]! + 1) * 3;
    const wasm = new Float64Array(off[F]!);
    team.build(wasm, 0, n, true, false, false);
    const js = new Float64Array(off[F]!);
    const twin = new Float64Array(256 * 3);
    for (let f = 0; f < F; f++) addClassRows(js, off[f]!, binned.codes, f * n, null, 0, n, w, y, binned.nBins[f]!, 3, 2, true, twin);
    expect(Array.from(wasm)).toEqual(Array.from(js));
  });
});
