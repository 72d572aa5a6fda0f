import { Rng } from "../../src/core/rng";
import { matrixColumns } from "../../src/core/column-source";
import { MISSING_BIN, applyBins, applyBinsToColumns, binColumns, binData, binEdges, binThreshold, sortWithIndex } from "../../src/tree/binner";

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

  it("codes in one pass exactly as a binary search over the learnt edges does", () => {
    const rng = new Rng(4);
    const rows = 3000;
    const gens = [
      () => rng.normal() * 1e6, // many distinct
      () => (rng.next() < 0.5 ? 0 : 1), // one-hot
      () => (rng.next() < 0.2 ? NaN : rng.int(40) - 20), // counts with missing
      () => (rng.next() < 0.3 ? -0 : rng.next() < 0.5 ? -rng.next() * 1e-300 : rng.next() * 1e300), // signs, zeros, extremes
      () => NaN, // all missing
      () => 7, // constant
    ];
    const X = { data: new Float64Array(rows * gens.length), rows, cols: gens.length };
    for (let i = 0; i < rows; i++) gens.forEach((g, f) => (X.data[i * gens.length + f] = g()));
    for (const maxBins of [255, 16]) {
      const fused = binData(X, maxBins);
      const searched = applyBins(X, binEdges(X, maxBins));
      expect(Array.from(fused.edges)).toEqual(Array.from(searched.edges));
      expect(Array.from(fused.nBins)).toEqual(Array.from(searched.nBins));
      expect(Buffer.from(fused.codes).equals(Buffer.from(searched.codes))).toBe(true);
    }
  });

  it("codes any value of any edges as a plain binary search over them does", () => {
    const rng = new Rng(9);
    const search = (edges: number[], v: number): number => {
      if (v !== v) return MISSING_BIN;
      let lo = 0, hi = edges.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (edges[mid]! < v) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const normals = Array.from({ length: 5000 }, () => rng.normal()).sort((a, b) => a - b);
    const edgeSets = [
      [0.5],
      [Infinity],
      [-Infinity, 0],
      [-1, 0, 1, Infinity],
      // most edges in one cell, a few far away
      [...Array.from({ length: 250 }, (_, b) => b * 1e-9), 1e6, 2e6, 3e6, Infinity],
      // a range past the largest double: no cells
      [-1e300, 0, 1e300],
      [-1.5e308, 1.5e308],
      // subnormal steps
      [5e-324, 1e-323, 1.5e-323],
      Array.from({ length: 254 }, (_, b) => normals[Math.floor(((b + 1) * 5000) / 255)]!),
    ];
    for (const edges of edgeSets) {
      const values = [NaN, Infinity, -Infinity, 0, -0, 1e308, -1e308, 5e-324];
      for (const e of edges) values.push(e, e * (1 + 1e-15), e * (1 - 1e-15), e + 1e-12, e - 1e-12);
      const lo = edges.find(Number.isFinite) ?? 0, hi = [...edges].reverse().find(Number.isFinite) ?? 1;
      for (let i = 0; i < 2000; i++) values.push(lo + (hi - lo) * (1.2 * rng.next() - 0.1));
      const X = { data: Float64Array.from(values), rows: values.length, cols: 1 };
      const coded = applyBins(X, { nBins: Int32Array.of(edges.length + 1), edges: Float64Array.from(edges), edgeOffset: Int32Array.of(0, edges.length) });
      expect(Array.from(coded.codes)).toEqual(values.map((v) => search(edges, v)));
    }
  });

  it("codes a column source's rows at given edges (applyBinsToColumns) as applyBins codes their matrix", () => {
    const rng = new Rng(12);
    const rows = 900, cols = 11;
    const X = { data: Float64Array.from({ length: rows * cols }, () => (rng.next() < 0.05 ? NaN : rng.normal() * 3)), rows, cols };
    const edges = binEdges({ ...X, data: X.data.map((v) => v / 2) }, 40);
    const taken = Array.from({ length: 300 }, () => rng.int(rows));
    const source = matrixColumns(X).take(taken);
    expect(Buffer.from(applyBinsToColumns(source, edges)).equals(Buffer.from(applyBins(source.toMatrix(), edges).codes))).toBe(true);
  });

  it("bins a column at a time (binColumns) to binData's codes and edges, every row used or a subsample", () => {
    const rng = new Rng(8);
    const rows = 3000;
    const gens = [() => rng.normal(), () => (rng.next() < 0.1 ? NaN : rng.int(30)), () => (rng.next() < 0.5 ? 0 : 1), () => NaN];
    const X = { data: new Float64Array(rows * gens.length), rows, cols: gens.length };
    for (let i = 0; i < rows; i++) gens.forEach((g, f) => (X.data[i * gens.length + f] = g()));
    for (const subsample of [rows, 1000]) {
      const whole = binData(X, 64, new Rng(1), false, subsample);
      const byColumn = binColumns(matrixColumns(X), 64, new Rng(1), false, subsample);
      expect(Array.from(byColumn.edges)).toEqual(Array.from(whole.edges));
      expect(Array.from(byColumn.nBins)).toEqual(Array.from(whole.nBins));
      expect(Buffer.from(byColumn.codes).equals(Buffer.from(whole.codes))).toBe(true);
    }
    // rows taken from the source: the matrix of those rows, binned
    const some = Int32Array.from({ length: 1500 }, (_, k) => (k * 7) % rows);
    const taken = matrixColumns(X).take(some);
    const expected = binData(taken.toMatrix(), 64, new Rng(2), false, 500);
    expect(Buffer.from(binColumns(taken, 64, new Rng(2), false, 500).codes).equals(Buffer.from(expected.codes))).toBe(true);
  });

  it("radix-sorts floats as Float64Array.prototype.sort does, carrying an index", () => {
    const rng = new Rng(5);
    const n = 5000;
    const values = Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? -0 : i % 11 === 0 ? 0 : i % 13 === 0 ? -Infinity : rng.normal() * 10 ** rng.int(20)));
    const index = Int32Array.from({ length: n }, (_, i) => i);
    const expected = Float64Array.from(values).sort();
    const original = Float64Array.from(values);
    sortWithIndex(values, index, new Float64Array(n), new Int32Array(n));
    for (let i = 0; i < n; i++) {
      expect(Object.is(values[i], expected[i])).toBe(true);
      expect(Object.is(original[index[i]!], values[i])).toBe(true);
    }
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
