/** The result of a two-sample test: the statistic and its p-value. */
export interface TestResult {
  readonly statistic: number;
  readonly pvalue: number;
}

/** Largest sample size for which `ks2samp` computes (scipy's `MAX_AUTO_N`: beyond it scipy switches to the asymptotic p-value). */
export const KS_EXACT_MAX_N = 10_000;

/**
 * The two-sided two-sample Kolmogorov–Smirnov test, as `scipy.stats.ks_2samp(a, b)` (method
 * 'auto') computes it for samples of at most 10,000 values each: D = max |F_a - F_b| over the
 * pooled values, and the exact p-value by Hodges' lattice-path count (Viehmann's stable
 * recursion for 1 - p), or the closed form when both samples have the same size.
 * Missing values (NaN) must be removed first.
 *
 * @throws RangeError for an empty sample, or one larger than `KS_EXACT_MAX_N` (scipy's asymptotic branch is not implemented).
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.ks_2samp.html
 */
export function ks2samp(a: ArrayLike<number>, b: ArrayLike<number>): TestResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError("ks2samp needs two non-empty samples.");
  if (Math.max(n1, n2) > KS_EXACT_MAX_N) throw new RangeError(`ks2samp computes samples of at most ${KS_EXACT_MAX_N} values, but got ${Math.max(n1, n2)}.`);
  const d = ksStatistic(Float64Array.from(a).sort(), Float64Array.from(b).sort());
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  if (h === 0) return { statistic: 0, pvalue: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
  return { statistic: h / lcm, pvalue: Math.min(Math.max(p, 0), 1) };
}

/** max over the pooled values of |F_a(x) - F_b(x)|, both ECDFs right-continuous; `a` and `b` sorted. */
function ksStatistic(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const x = Math.min(a[i]!, b[j]!);
    while (i < a.length && a[i] === x) i++;
    while (j < b.length && b[j] === x) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return d;
}

/** P(D >= h/n) for two samples of size n: 2 (A0 (1 - A1 (1 - A2 (...)))) by a Horner-like scheme (scipy's `_compute_prob_outside_square`). */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/**
 * The share of lattice paths from (0,0) to (m,n) that leave the band |x/m - y/n| < h/lcm,
 * one sliding column at a time (scipy's `_compute_outer_prob_inside_method`).
 */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 < n0 ? [n0, m0] : [m0, n0];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const A = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1]!;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
