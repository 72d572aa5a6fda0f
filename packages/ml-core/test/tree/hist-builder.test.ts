import { Rng } from "../../src/core/rng";
import { binData } from "../../src/tree/binner";
import { ClassArena } from "../../src/tree/class-arena";
import type { GrowOptions } from "../../src/tree/grow";
import { arenaOf, histBuilderFor, type HistBuilder } from "../../src/tree/hist-builder";
import { HistTeam } from "../../src/tree/hist-team";
import { classWidth } from "../../src/tree/stat-layout";

const n = 3000, F = 10;
const rng = new Rng(4);
const X = Float64Array.from({ length: n * F }, () => (rng.next() < 0.05 ? NaN : Math.floor(rng.next() * 9)));
const data = binData({ data: X, rows: n, cols: F });
const y = Float64Array.from({ length: n }, () => (rng.next() < 0.4 ? 1 : 0));
const weight = Float64Array.from({ length: n }, () => 0.5 + rng.next());
const g = Float64Array.from({ length: n }, () => rng.normal());
const h = Float64Array.from({ length: n }, () => 0.1 + rng.next());
const every: GrowOptions = { maxDepth: Infinity, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: F, maxLeafNodes: 0, minHessianLeaf: 0 };
const drawn: GrowOptions = { ...every, maxFeatures: 3 };
const sample = () => Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 1);
const classTarget = { kind: "class", y, nClasses: 2, weight, criterion: "gini" } as const;

describe("histBuilderFor", () => {
  const team = new HistTeam(data);
  const arena = new ClassArena(data, classWidth(2, drawn, F));
  afterAll(() => team.stop());
  const inTeam = (b: HistBuilder) => b.rows.buffer === team.rows.buffer;

  it("picks the arena for class trees with features drawn per node, the team for gradients and two classes over every feature, else JS", () => {
    expect(arenaOf(histBuilderFor(data, classTarget, sample(), drawn, new Rng(1), team, arena))).toBe(arena);
    expect(inTeam(histBuilderFor(data, { kind: "grad", g, l2: 0 }, sample(), every, undefined, team, arena))).toBe(true);
    expect(inTeam(histBuilderFor(data, classTarget, sample(), every, undefined, team, arena))).toBe(true);
    // an arena of another width, or three classes without one: the JS loops over the sample in place
    const s = sample();
    const js = histBuilderFor(data, { ...classTarget, nClasses: 3 }, s, every, undefined, team, arena);
    expect(arenaOf(js)).toBeUndefined();
    expect(js.rows).toBe(s);
  });

  it("builds the same histograms and partitions with the team's kernels as with the JS loops", () => {
    for (const target of [{ kind: "grad", g, h, l2: 0 }, { kind: "grad", g, l2: 0 }, classTarget] as const) {
      const js = histBuilderFor(data, target, sample(), every, undefined);
      const wasm = histBuilderFor(data, target, sample(), every, undefined, team);
      expect(inTeam(wasm)).toBe(true);
      const m = js.rows.length;
      const mids = [js, wasm].map((b) => b.partition(0, m, 4, 3, true));
      expect(mids[1]).toBe(mids[0]);
      expect(wasm.missing).toBe(js.missing);
      expect(js.missing).toBeGreaterThan(0);
      expect(Array.from(wasm.rows.subarray(0, m))).toEqual(Array.from(js.rows));
      // the smaller side from its scattered rows, the larger as parent minus smaller
      const hists = [js, wasm].map((b) => {
        const parent = b.acquire(), small = b.acquire();
        // no sparse codes: the totals are not read
        b.buildFull(parent, 0, m, []);
        b.buildFull(small, 0, mids[0]!, []);
        b.subtract(parent, small);
        return [Array.from(parent), Array.from(small)];
      });
      expect(hists[1]).toEqual(hists[0]);
      const out = new Int32Array(m);
      wasm.finish(out);
      expect(Array.from(out)).toEqual(Array.from(js.rows));
    }
  });

  it("builds one drawn feature's histogram the same in the arena as with the JS loops", () => {
    const js = histBuilderFor(data, classTarget, sample(), drawn, new Rng(1));
    const wasm = histBuilderFor(data, classTarget, sample(), drawn, new Rng(1), undefined, arena);
    expect(arenaOf(wasm)).toBe(arena);
    const m = js.rows.length;
    for (const f of [0, 5, 9]) {
      js.beginNode(100, m);
      wasm.beginNode(100, m);
      const seen = js.buildFeature(f, 100, m);
      expect(wasm.buildFeature(f, 100, m)).toBe(seen);
      const C = js.layout.C, W = wasm.layout.C;
      for (let b = 0; b <= data.nBins[f]!; b++) for (let c = 0; c < 2; c++) expect(wasm.scratch[b * W + c]).toBe(js.scratch[b * C + c]);
      const lo = seen >> 9, hi = (seen & 511) - 1;
      js.clearScratch(f, lo, hi);
      wasm.clearScratch(f, lo, hi);
      expect(js.scratch.every((v) => v === 0) && wasm.scratch.every((v) => v === 0)).toBe(true);
    }
  });
});
