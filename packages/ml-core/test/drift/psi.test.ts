import { Rng } from "../../src/core/rng";
import { binCounts, quantiles } from "../../src/drift/psi";

/** numpy.searchsorted(edges, x, 'left') by the plain binary search. */
function searchLeft(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

describe("binCounts", () => {
  it.each([0, 1, 2, 5, 9, 10, 15, 16, 20])("counts each value in its searchsorted bin, NaN, infinities and zeros of both signs included (%i edges)", (k) => {
    const rng = new Rng(k + 1);
    const special = [NaN, -0, 0, Infinity, -Infinity, 5e-324];
    const edges = Array.from(new Set(Array.from({ length: 3 * k }, () => (rng.next() < 0.2 ? special[1 + rng.int(special.length - 1)]! : Math.round(rng.normal() * 8) / 4))))
      .sort((a, b) => a - b || (Object.is(a, -0) ? -1 : 1))
      .filter((v, i, a) => i === 0 || v !== a[i - 1])
      .slice(0, k);
    const values = Float64Array.from({ length: 3000 }, () => (rng.next() < 0.2 ? special[rng.int(special.length)]! : Math.round(rng.normal() * 8) / 4));
    const expected = new Array<number>(edges.length + 1).fill(0);
    for (const x of values) expected[searchLeft(edges, x)]!++;
    expect(binCounts(values, edges)).toEqual(expected);
  });
});

describe("quantiles", () => {
  it("gives numpy's linear quantiles from a sort, over enough values for the bucket selection", () => {
    const rng = new Rng(5);
    const values = Float64Array.from({ length: 40_000 }, () => (rng.next() < 0.3 ? [-0, 0, 1][rng.int(3)]! : rng.normal() * 1e3));
    const sorted = values.slice().sort();
    const qs = [0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1, 0.3333];
    const expected = qs.map((q) => {
      const pos = q * (values.length - 1);
      const lo = Math.floor(pos);
      const t = pos - lo;
      const a = sorted[lo]!;
      if (t === 0 || lo + 1 >= values.length) return a;
      const b = sorted[lo + 1]!;
      return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
    });
    expect(quantiles(values.slice(), qs).map((v) => (Object.is(v, -0) ? "-0" : v))).toEqual(expected.map((v) => (Object.is(v, -0) ? "-0" : v)));
  });
});
