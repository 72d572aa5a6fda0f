import { belowInFloat32, RadixSorter, setPrune, xgbBinData, xgbCuts, type Exact } from "../../src/ensemble/xgb-cuts";
import { ColumnSampler } from "../../src/ensemble/column-sampler";
import { Rng } from "../../src/core/rng";
import { readFileSync } from "node:fs";
import { join } from "node:path";

describe("xgbCuts (XGBoost 1.7's hist cuts)", () => {
  it("cuts at every distinct value but the smallest when there are fewer than max_bin", () => {
    expect(Array.from(xgbCuts(Float64Array.of(3, 1, 2, 2, 5), 256))).toEqual([2, 3, 5]);
  });

  it("prunes more distinct values than bins to XGBoost's cuts", () => {
    // python3-xgboost 1.7.4, max_bin=20 on x = 0..299: its deep trees split at all of these but 164
    const cuts = xgbCuts(Float64Array.from({ length: 300 }, (_, i) => i), 20);
    expect(Array.from(cuts)).toEqual([15, 30, 45, 60, 75, 90, 105, 120, 135, 150, 164, 179, 194, 209, 224, 239, 254, 269, 284]);
  });

  it("prunes tens of thousands of values (distinct, tied, skewed) to the cuts of XGBoost's entry-by-entry walk", () => {
    // the fixture: these columns' cuts from SetPrune's linear walk (before it galloped), 9800b13
    const expected = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "xgb-cuts-large.json"), "utf8")) as Record<string, number[]>;
    const rng = new Rng(17);
    const normal = Float64Array.from({ length: 60_000 }, () => rng.normal() * 3);
    const rounded = normal.map((v) => Math.round(v * 40) / 40);
    const skewed = Float64Array.from({ length: 45_001 }, () => Math.exp(rng.normal() * 2));
    const got: Record<string, number[]> = {};
    for (const [name, x] of [["normal", normal], ["rounded", rounded], ["skewed", skewed]] as const) for (const maxBin of [256, 16]) got[`${name} ${maxBin}`] = Array.from(xgbCuts(x, maxBin));
    // through JSON as the fixture went (-0 reads as 0)
    expect(JSON.parse(JSON.stringify(got))).toEqual(expected);
  });
});

describe("setPrune (WQSummary::SetPrune)", () => {
  const f32 = Math.fround;
  /** XGBoost's loop as it is written: the walk entry by entry. */
  function walked(s: Exact, src: Int32Array, maxSize: number): number[] {
    if (src.length <= maxSize) return Array.from(src);
    const rmin = (j: number) => s.rmin[src[j]!]!, wmin = (j: number) => s.w[src[j]!]!, rmax = (j: number) => rmin(j) + wmin(j);
    const size = src.length, begin = rmax(0), range = f32(rmin(size - 1) - begin), n = maxSize - 1;
    const out = [src[0]!];
    let i = 1, last = 0;
    for (let k = 1; k < n; k++) {
      const dx2 = f32(2 * f32(f32(f32(k * range) / n) + begin));
      while (i < size - 1 && dx2 >= f32(rmax(i + 1) + rmin(i + 1))) i++;
      if (i === size - 1) break;
      const pick = dx2 < f32(f32(rmin(i) + wmin(i)) + f32(rmax(i + 1) - wmin(i + 1))) ? i : i + 1;
      if (pick !== last) out.push(src[(last = pick)]!);
    }
    if (last !== size - 1) out.push(src[size - 1]!);
    return out;
  }

  it("keeps the entries XGBoost's walk keeps, ties of rank and target included", () => {
    const rng = new Rng(21);
    let cases = 0;
    for (const entries of [40, 1000, 30_001]) {
      for (const maxCount of [1, 2, 7]) {
        // counts of 1 or 2 make the ranks and the targets meet exactly
        const w = Float64Array.from({ length: entries }, () => 1 + rng.int(maxCount));
        const rmin = new Float64Array(entries);
        for (let e = 1; e < entries; e++) rmin[e] = rmin[e - 1]! + w[e - 1]!;
        const s: Exact = { value: Float32Array.from({ length: entries }, (_, e) => e), rmin, w };
        const all = Int32Array.from({ length: entries }, (_, e) => e);
        for (const maxSize of [3, 17, 257, 2049]) {
          expect(Array.from(setPrune(s, all, maxSize))).toEqual(walked(s, all, maxSize));
          cases++;
        }
      }
    }
    expect(cases).toBe(36);
  });
});

describe("xgbBinData", () => {
  it("bins columns of few distinct values from their counts as it bins them sorted (signed zeros, NaN, around max_bin values)", () => {
    const rng = new Rng(11);
    const rows = 3001;
    // per column, how many distinct values it draws from (-0 and 0 among them); the last columns from a continuous range
    const distinct = [1, 2, 3, 3, 7, 16, 255, 256, 257, 300, 0, 0];
    const cols = distinct.length;
    const data = new Float64Array(rows * cols);
    for (let f = 0; f < cols; f++) {
      const pool = Array.from({ length: distinct[f]! }, (_, j) => (j === 1 ? -0 : j === 2 ? 0 : f === 3 ? 1 : (rng.next() - 0.5) * 2 ** (j % 9)));
      for (let i = 0; i < rows; i++) data[i * cols + f] = rng.next() < 0.05 ? NaN : pool.length ? pool[Math.floor(rng.next() * pool.length)]! : rng.next() * 100 - 50;
    }
    const X = { data, rows, cols };
    for (const maxBin of [4, 16, 256]) {
      const counted = xgbBinData(X, maxBin), sorted = xgbBinData(X, maxBin, false);
      expect(Array.from(counted.codes)).toEqual(Array.from(sorted.codes));
      expect(Array.from(counted.nBins)).toEqual(Array.from(sorted.nBins));
      expect(Array.from(counted.edges)).toEqual(Array.from(sorted.edges));
    }
  });
});

describe("RadixSorter", () => {
  it("sorts float32 values stably in WebAssembly to the JS loops' order (signs, zeros, ties, one shared top digit)", () => {
    const rng = new Rng(12);
    const columns = [
      Float32Array.from({ length: 5001 }, () => (rng.next() - 0.5) * 1e6),
      Float32Array.from({ length: 4000 }, (_, i) => [0, -0, 1.5, -1.5, Infinity, -Infinity][i % 6]!),
      Float32Array.from({ length: 3333 }, () => 1 + rng.next()),
      Float32Array.from({ length: 7 }, (_, i) => 7 - i),
      new Float32Array(0),
    ];
    const wasm = new RadixSorter(6000), js = new RadixSorter(6000, false);
    for (const values of columns) {
      const a = wasm.sort(values);
      const sorted = Array.from(a.sorted), order = Array.from(a.order);
      const b = js.sort(values);
      expect(sorted).toEqual(Array.from(b.sorted));
      expect(order).toEqual(Array.from(b.order));
      // ascending (-0 before 0), ties in their first order
      const before = (a: number, b: number) => values[a]! < values[b]! || (Object.is(values[a], values[b]) && a < b) || (Object.is(values[a], -0) && Object.is(values[b], 0));
      for (let j = 1; j < order.length; j++) expect(before(order[j - 1]!, order[j]!)).toBe(true);
      expect(sorted).toEqual(order.map((i) => values[i]));
    }
  });
});

describe("belowInFloat32", () => {
  it("is the largest double whose float32 is below the cut", () => {
    for (const v of [0.1, 4.9, 5.1, -2.3, 770, 1e-3, 0]) {
      const c = Math.fround(v);
      const t = belowInFloat32(c);
      expect(Math.fround(t)).toBeLessThan(c);
      // the next double up rounds to the cut
      const up = new Float64Array([t]);
      const bits = new BigInt64Array(up.buffer);
      bits[0] = t >= 0 ? bits[0]! + 1n : bits[0]! - 1n;
      expect(Math.fround(up[0]!) === c).toBe(true); // -0 === 0: XGBoost's -0 < 0 is false too
    }
  });

  it("bins a value equal to a cut above it, as XGBoost's x < cut does", () => {
    const data = xgbBinData({ data: Float64Array.of(4.9, 5.1, 4.9, 6), rows: 4, cols: 1 }, 256);
    expect(Array.from(data.codes)).toEqual([0, 1, 0, 2]);
  });
});

describe("ColumnSampler (colsample_bytree / bylevel / bynode)", () => {
  it("draws floor(fraction x size) features per tree, then per level from those, then per node from the level's", () => {
    const s = new ColumnSampler(10, { bytree: 0.5, bylevel: 0.8, bynode: 0.5 }, new Rng(1));
    s.startTree();
    const level0 = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const node = s.forNode(0);
      expect(node).toHaveLength(2); // 10 -> 5 -> 4 -> 2
      node.forEach((f) => level0.add(f));
    }
    expect(level0.size).toBeLessThanOrEqual(4);
  });
});
