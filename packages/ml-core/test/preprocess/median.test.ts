import { Rng } from "../../src/core/rng";
import { median } from "../../src/preprocess/steps";

/** The median a sort gives (numpy's). */
function sortedMedian(values: Float64Array): number {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

describe("median", () => {
  it("is the sorted middle (mean of the two middle values), -0 and 0 as a sort orders them, 0 when empty", () => {
    const rng = new Rng(9);
    const gens = [
      () => rng.normal(),
      () => rng.int(5) - 2, // many ties
      () => [-0, 0, -1, 1][rng.int(4)]!, // signed zeros in the middle
      () => (rng.next() < 0.5 ? -0 : 0),
      () => 3,
    ];
    for (const gen of gens) {
      for (const n of [1, 2, 3, 4, 7, 10, 101, 1000, 1001]) {
        const values = Float64Array.from({ length: n }, gen);
        const expected = sortedMedian(values);
        expect(Object.is(median(Float64Array.from(values)), expected)).toBe(true);
      }
    }
    const ascending = Float64Array.from({ length: 10_000 }, (_, i) => i);
    expect(median(ascending)).toBe(4999.5);
    expect(median(new Float64Array(0))).toBe(0);
  });
});
