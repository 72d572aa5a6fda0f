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
  const signed = (v: number) => (Object.is(v, -0) ? "-0" : v);
  /** Many ranks of many values, so that the bucket pass is taken, against a sort. */
  const agreesWithSort = (a: Float64Array, rng: Rng) => {
    const n = a.length;
    const sorted = a.slice().sort();
    const ranks = [0, n - 1, n >> 1, ...Array.from({ length: 60 }, () => rng.int(n)), ...Array.from({ length: 20 }, (_, i) => Math.min(n - 1, Math.floor((i / 19) * (n - 1)) + 1))];
    const got = orderStatistics(a.slice(), ranks);
    expect(Array.from(got).map(signed)).toEqual(ranks.map((r) => signed(sorted[r]!)));
  };
  const columns: Record<string, (rng: Rng) => number> = {
    "normal values with duplicates and zeros of both signs": (rng) => (rng.next() < 0.3 ? [-0, 0, 1, -1, 0.5][rng.int(5)]! : rng.normal()),
    "tiny, subnormal, huge and infinite values": (rng) => [5e-324, -5e-324, 1e-310, -1e-300, 1e300, -1e308, Infinity, -Infinity, -0, 0][rng.int(10)]! * (rng.next() < 0.5 ? 1 : rng.next()),
    "values apart only in their lowest bits (every digit level)": (rng) => 1 + rng.int(64) * Number.EPSILON,
    "a tight cluster in one top-level bucket": (rng) => 1e6 + rng.normal() * 1e-3,
    "small integers": (rng) => rng.int(50) - 20,
    "one value": () => 3.25,
    "only zeros of both signs": (rng) => (rng.next() < 0.4 ? -0 : 0),
    "mostly -0 with a few others": (rng) => (rng.next() < 0.9 ? -0 : rng.normal()),
  };
  it.each(Object.keys(columns))("selects by buckets as a sort would over many ranks: %s", (name) => {
    const rng = new Rng(name.length);
    for (const n of [16_384, 20_011, 70_000]) agreesWithSort(Float64Array.from({ length: n }, () => columns[name]!(rng)), rng);
  });
  it("selects as a sort would over random mixes of all kinds of values", () => {
    const rng = new Rng(77);
    const kinds = Object.values(columns);
    for (let trial = 0; trial < 10; trial++) {
      const picked = [kinds[rng.int(kinds.length)]!, kinds[rng.int(kinds.length)]!];
      agreesWithSort(Float64Array.from({ length: 16_384 + rng.int(30_000) }, () => picked[rng.int(2)]!(rng)), rng);
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
