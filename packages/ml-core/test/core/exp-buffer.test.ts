import { ExpBuffer } from "../../src/core/exp-buffer";
import { Rng } from "../../src/core/rng";

/** Values around every branch of fdlibm's exp: tiny, the reduction's bounds, 1, the fallback's range, the limits. */
const EDGES = [0, -0, 1, -1, 2 ** -28, -(2 ** -28), 2 ** -29, 5e-324, -5e-324, 0.34657359027997264, -0.34657359027997264, 0.3465735902799727, 1.0397207708399179, -1.0397207708399179, 1.03972077083991, 703.9, -703.9, 704, -704, 709.78, 709.79, -708.5, -720, -745.1, -745.2, 800, -800, NaN, Infinity, -Infinity];

describe("ExpBuffer", () => {
  it("gives Math.exp of every value to the bit, pairs and odd tails alike", () => {
    const rng = new Rng(3);
    const scales = [1e-9, 1, 3, 40, 1500];
    const x: number[] = [...EDGES];
    for (const s of scales) for (let i = 0; i < 20_000; i++) x.push((rng.next() - 0.5) * s);
    for (const n of [x.length, x.length - 1, 1, 0]) {
      const e = new ExpBuffer(x.length);
      e.values.set(x);
      e.expInPlace(n);
      const wrong: number[] = [];
      for (let i = 0; i < x.length; i++) if (!Object.is(e.values[i], i < n ? Math.exp(x[i]!) : x[i])) wrong.push(x[i]!);
      expect(wrong).toEqual([]);
    }
  });
});
