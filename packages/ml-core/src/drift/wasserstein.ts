/**
 * The first Wasserstein (earth mover's) distance between two samples, as
 * `scipy.stats.wasserstein_distance(u, v)` computes it: the integral of |U(x) - V(x)| over x,
 * U and V the samples' empirical CDFs. Missing values (NaN) must be removed first.
 *
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.wasserstein_distance.html
 */
export function wassersteinDistance(u: ArrayLike<number>, v: ArrayLike<number>): number {
  if (u.length === 0 || v.length === 0) throw new RangeError("wassersteinDistance needs two non-empty samples.");
  const a = Float64Array.from(u).sort();
  const b = Float64Array.from(v).sort();
  const all = new Float64Array(a.length + b.length);
  all.set(a);
  all.set(b, a.length);
  all.sort();
  let i = 0;
  let j = 0;
  let total = 0;
  for (let k = 0; k < all.length - 1; k++) {
    const x = all[k]!;
    while (i < a.length && a[i]! <= x) i++;
    while (j < b.length && b[j]! <= x) j++;
    total += Math.abs(i / a.length - j / b.length) * (all[k + 1]! - x);
  }
  return total;
}
