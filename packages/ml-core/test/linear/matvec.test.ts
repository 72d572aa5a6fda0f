import { Rng } from "../../src/core/rng";
import { jsRowBlocks, wasmRowBlocks } from "../../src/linear/matvec";

describe("RowBlocks", () => {
  it("has WebAssembly SIMD kernels in Node", () => {
    expect(wasmRowBlocks({ data: new Float64Array(6), rows: 2, cols: 3 })).toBeDefined();
  });

  it.each([
    [1, 1],
    [2, 3],
    [3, 2],
    [4, 5],
    [5, 4],
    [7, 9],
    [13, 40],
    [16, 1],
    [103, 8],
  ])("computes b + X w and X^T g, identically in JS and WebAssembly (n=%i, d=%i)", (n, d) => {
    const rng = new Rng(n * 100 + d);
    // some exact zeros and ones, as one-hot columns have
    const X = { data: new Float64Array(n * d).map(() => (rng.next() < 0.3 ? rng.int(2) : rng.normal())), rows: n, cols: d };
    const w = new Float64Array(d + 1).map(() => rng.normal());
    const b = rng.normal();
    const js = jsRowBlocks(X);
    const wasm = wasmRowBlocks(X)!;
    expect(js.rows).toBe(4 * Math.ceil(n / 4));
    expect(wasm.rows).toBe(js.rows);
    js.scores(w, b);
    wasm.scores(w, b);
    for (let i = 0; i < n; i++) {
      let s = b;
      for (let j = 0; j < d; j++) s += w[j]! * X.data[i * d + j]!;
      expect(js.z[i]).toBeCloseTo(s, 12);
      expect(wasm.z[i]).toBe(js.z[i]);
    }
    const g = new Float64Array(js.rows).map((_, i) => (i < n ? rng.normal() : 0));
    js.g.set(g);
    wasm.g.set(g);
    const a = new Float64Array(d).fill(NaN);
    const c = new Float64Array(d).fill(NaN);
    js.gradient(a);
    wasm.gradient(c);
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += g[i]! * X.data[i * d + j]!;
      expect(a[j]).toBeCloseTo(s, 12);
      expect(c[j]).toBe(a[j]);
    }
  });
});
