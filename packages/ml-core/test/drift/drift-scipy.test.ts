import { readFileSync } from "node:fs";
import { join } from "node:path";
import { binCounts, chi2Contingency, jensenShannonDistance, ks2samp, psi, psiBand, psiEdges, PSI_EPSILON, wassersteinDistance } from "../../src/drift";

interface NumericCase {
  name: string;
  reference: number[];
  current: number[];
  ks: { statistic: number; pvalue: number };
  wasserstein: number;
  psi: { edges: number[]; reference_counts: number[]; current_counts: number[]; value: number };
}
interface CategoricalCase {
  name: string;
  reference_counts: number[];
  current_counts: number[];
  chi2: { statistic: number; pvalue: number };
  jensenshannon: number;
  psi: number;
}

// Made by scripts/make-drift-fixture.py with Debian's python3-scipy.
const fixture = JSON.parse(readFileSync(join(__dirname, "../fixtures/drift-scipy.json"), "utf8")) as { numeric: NumericCase[]; categorical: CategoricalCase[] };
const TOL = 1e-6;

function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(TOL);
}

describe.each(fixture.numeric)("numeric: $name", (c) => {
  it("has scipy's two-sample KS statistic and exact p-value", () => {
    const r = ks2samp(c.reference, c.current);
    expectClose(r.statistic, c.ks.statistic);
    expectClose(r.pvalue, c.ks.pvalue);
  });

  it("has scipy's Wasserstein distance", () => {
    expectClose(wassersteinDistance(c.reference, c.current), c.wasserstein);
  });

  it("bins PSI on the reference deciles and has numpy's value", () => {
    const edges = psiEdges(c.reference);
    expect(edges).toEqual(c.psi.edges);
    expect(binCounts(c.reference, edges)).toEqual(c.psi.reference_counts);
    expect(binCounts(c.current, edges)).toEqual(c.psi.current_counts);
    expectClose(psi(c.psi.reference_counts, c.psi.current_counts), c.psi.value);
  });
});

describe.each(fixture.categorical)("categorical: $name", (c) => {
  it("has scipy's chi2_contingency statistic and p-value", () => {
    const r = chi2Contingency(c.reference_counts, c.current_counts);
    expectClose(r.statistic, c.chi2.statistic);
    expectClose(r.pvalue, c.chi2.pvalue);
  });

  it("has scipy's Jensen-Shannon distance on the shares, an empty category at PSI_EPSILON", () => {
    const shares = (counts: number[]) => counts.map((v) => v / counts.reduce((s, x) => s + x, 0) || PSI_EPSILON);
    expectClose(jensenShannonDistance(shares(c.reference_counts), shares(c.current_counts)), c.jensenshannon);
  });

  it("has numpy's PSI", () => {
    expectClose(psi(c.reference_counts, c.current_counts), c.psi);
  });
});

describe("edge cases", () => {
  it("KS of identical samples is 0 with p-value 1", () => {
    expect(ks2samp([1, 2, 3], [3, 2, 1])).toEqual({ statistic: 0, pvalue: 1 });
  });

  it("KS refuses an empty sample and one beyond scipy's exact range", () => {
    expect(() => ks2samp([], [1])).toThrow(RangeError);
    expect(() => ks2samp(new Float64Array(10_001), [1])).toThrow(/at most 10000/);
  });

  it("chi-square of one category has no degree of freedom: statistic 0, p-value 1 (as scipy)", () => {
    expect(chi2Contingency([10], [20])).toEqual({ statistic: 0, pvalue: 1 });
  });

  it("Jensen-Shannon distance is 0 for equal shares and sqrt(ln 2) for disjoint ones", () => {
    expect(jensenShannonDistance([1, 2], [2, 4])).toBeCloseTo(0, 12);
    expect(jensenShannonDistance([1, 0], [0, 1])).toBeCloseTo(Math.sqrt(Math.LN2), 12);
  });

  it("PSI bands at 0.1 and 0.25", () => {
    expect([0.0999, 0.1, 0.2499, 0.25].map(psiBand)).toEqual(["none", "moderate", "moderate", "major"]);
  });
});
