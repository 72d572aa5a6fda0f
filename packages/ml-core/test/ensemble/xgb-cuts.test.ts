import { belowInFloat32, RadixSorter, xgbBinData, xgbCuts } from "../../src/ensemble/xgb-cuts";
import { ColumnSampler } from "../../src/ensemble/column-sampler";
import { Rng } from "../../src/core/rng";

describe("xgbCuts (XGBoost 1.7's hist cuts)", () => {
  it("cuts at every distinct value but the smallest when there are fewer than max_bin", () => {
    expect(Array.from(xgbCuts(Float64Array.of(3, 1, 2, 2, 5), 256))).toEqual([2, 3, 5]);
  });

  it("prunes more distinct values than bins to XGBoost's cuts", () => {
    // python3-xgboost 1.7.4, max_bin=20 on x = 0..299: its deep trees split at all of these but 164
    const cuts = xgbCuts(Float64Array.from({ length: 300 }, (_, i) => i), 20);
    expect(Array.from(cuts)).toEqual([15, 30, 45, 60, 75, 90, 105, 120, 135, 150, 164, 179, 194, 209, 224, 239, 254, 269, 284]);
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
