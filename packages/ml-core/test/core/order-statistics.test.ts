import { Rng } from "../../src/core/rng";
import { orderStatistics } from "../../src/core/order-statistics";

/** `n` values from a few distinct ones (runs of equal values), zeros of both signs included. */
function values(n: number, rng: Rng): Float64Array {
  const pool = [-3.5, -1, -0, 0, 0.25, 2, 7, 1e9, -1e-9];
  return Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? pool[rng.int(pool.length)]! : rng.normal() * 10));
}

describe("orderStatistics", () => {
  it.each([1, 2, 3, 10, 1000, 20_000])("gives what a sort gives at any ranks, -0 before 0, for %i values", (n) => {
    const rng = new Rng(n);
    for (let trial = 0; trial < 5; trial++) {
      const a = values(n, rng);
      const sorted = a.slice().sort();
      const ranks = [0, n - 1, ...Array.from({ length: 12 }, () => rng.int(n)), n >> 1];
      const got = orderStatistics(a.slice(), ranks);
      expect(Array.from(got).map((v) => Object.is(v, -0) ? "-0" : v)).toEqual(ranks.map((r) => Object.is(sorted[r], -0) ? "-0" : sorted[r]));
    }
  });
  it("answers in the order asked, repeats included", () => {
    expect(Array.from(orderStatistics(Float64Array.of(5, 1, 4, 2, 3), [4, 0, 2, 0]))).toEqual([5, 1, 3, 1]);
  });
  it("refuses a rank outside the values", () => {
    expect(() => orderStatistics(Float64Array.of(1, 2), [2])).toThrow(RangeError);
    expect(() => orderStatistics(new Float64Array(0), [0])).toThrow(RangeError);
  });
});
