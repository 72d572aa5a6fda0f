import type { TestResult } from "./ks-2samp";

/**
 * Pearson's chi-square test of independence on a 2 × k table of counts (row 0: reference,
 * row 1: current), as `scipy.stats.chi2_contingency(table)` computes it: expected counts from
 * the margins, Yates' continuity correction when the table has one degree of freedom (2 × 2),
 * and the p-value from the chi-square distribution with k - 1 degrees of freedom.
 * Categories with no count in either row must be left out (scipy refuses a zero expected count);
 * a table of one category has no degree of freedom and answers statistic 0, p-value 1, as scipy does.
 *
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.chi2_contingency.html
 */
export function chi2Contingency(reference: readonly number[], current: readonly number[]): TestResult {
  const k = reference.length;
  if (current.length !== k) throw new RangeError(`chi2Contingency needs rows of one length, but got ${k} and ${current.length}.`);
  const rows = [reference, current];
  const rowSums = rows.map((r) => r.reduce((s, v) => s + v, 0));
  const total = rowSums[0]! + rowSums[1]!;
  const dof = k - 1;
  if (dof === 0) return { statistic: 0, pvalue: 1 };
  let statistic = 0;
  for (let j = 0; j < k; j++) {
    const colSum = reference[j]! + current[j]!;
    for (let i = 0; i < 2; i++) {
      const expected = (rowSums[i]! * colSum) / total;
      if (!(expected > 0)) throw new RangeError("chi2Contingency: a category or a row has no count.");
      let observed = rows[i]![j]!;
      if (dof === 1) {
        const diff = expected - observed;
        observed += Math.sign(diff) * Math.min(0.5, Math.abs(diff));
      }
      statistic += (observed - expected) ** 2 / expected;
    }
  }
  return { statistic, pvalue: chi2Sf(statistic, dof) };
}

/** P(X > x) for X chi-square with `dof` degrees of freedom: Q(dof/2, x/2). */
export function chi2Sf(x: number, dof: number): number {
  return x <= 0 ? 1 : gammaQ(dof / 2, x / 2);
}

/** The regularised upper incomplete gamma function Q(a, x): a series below a + 1, Lentz's continued fraction above. */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  return x < a + 1 ? 1 - gammaPSeries(a, x) : gammaQFraction(a, x);
}

function gammaPSeries(a: number, x: number): number {
  let ap = a;
  let term = 1 / a;
  let sum = term;
  for (let n = 0; n < 10_000; n++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

function gammaQFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) s += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}
