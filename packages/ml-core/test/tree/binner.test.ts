import { Rng } from "../../src/core/rng";
import { MISSING_BIN, applyBins, binData, binEdges, binThreshold } from "../../src/tree/binner";

describe("binner", () => {
  it("gives each distinct value its own bin when there are few, NaN its own bin", () => {
    const X = { data: Float64Array.of(3, 1, NaN, 2, 1, 3), rows: 6, cols: 1 };
    const b = binData(X);
    expect(b.nBins[0]).toBe(3);
    expect(Array.from(b.codes)).toEqual([2, 0, MISSING_BIN, 1, 0, 2]);
  });

  it("bins on distinct values up to exactly max_bins of them, on quantiles past that", () => {
    const rng = new Rng(3);
    const column = (distinct: number) => Float64Array.from({ length: 2000 }, (_, i) => (i < distinct ? i : rng.int(distinct)) * 0.5 - 7);
    const midpoints = (d: number) => Array.from({ length: d - 1 }, (_, j) => (j * 0.5 - 7 + (j + 1) * 0.5 - 7) / 2);
    for (const d of [1, 2, 254, 255]) {
      const e = binEdges({ data: rng.shuffle(column(d)), rows: 2000, cols: 1 }, 255);
      expect(Array.from(e.edges)).toEqual(midpoints(d));
    }
    const over = binEdges({ data: column(256), rows: 2000, cols: 1 }, 255);
    expect(over.edges.length).toBeLessThan(255);
    expect(over.edges.length).toBeGreaterThan(200);
    // -0 and 0 are one value
    expect(Array.from(binEdges({ data: Float64Array.of(-0, 0, 1, -0), rows: 4, cols: 1 }).edges)).toEqual([0.5]);
  });

  it("caps bins at max_bins with roughly equal counts (quantiles)", () => {
    const rng = new Rng(1);
    const n = 10000;
    const X = { data: Float64Array.from({ length: n }, () => rng.normal()), rows: n, cols: 1 };
    const b = binData(X, 16);
    expect(b.nBins[0]).toBeLessThanOrEqual(16);
    const counts = new Array(b.nBins[0]!).fill(0);
    for (const c of b.codes) counts[c]++;
    for (const c of counts) expect(Math.abs(c - n / b.nBins[0]!)).toBeLessThan(n / b.nBins[0]! / 4);
  });

  it("is consistent with its real thresholds: x <= threshold(bin) exactly when code <= bin", () => {
    const rng = new Rng(2);
    const n = 3000;
    const X = { data: Float64Array.from({ length: n * 2 }, () => Math.round(rng.normal() * 50) / 10), rows: n, cols: 2 };
    const edges = binEdges(X, 255);
    const b = applyBins(X, edges);
    for (let f = 0; f < 2; f++) {
      for (const bin of [0, 5, Math.floor(b.nBins[f]! / 2)]) {
        const t = binThreshold(edges, f, bin);
        let mismatches = 0;
        for (let i = 0; i < n; i++) if ((X.data[i * 2 + f]! <= t) !== (b.codes[f * n + i]! <= bin)) mismatches++;
        expect(mismatches).toBe(0);
      }
    }
  });

  it("backs the codes with shared memory on request", () => {
    const X = { data: Float64Array.of(1, 2, 3), rows: 3, cols: 1 };
    expect(binData(X, 255, undefined, true).codes.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});
