/**
 * The Jensen–Shannon distance between two distributions given as non-negative weights over the
 * same categories, as `scipy.spatial.distance.jensenshannon(p, q)` computes it with its default
 * natural logarithm (the base Evidently uses): both are normalised to sum 1, m = (p + q) / 2, and
 * the distance is sqrt((KL(p‖m) + KL(q‖m)) / 2). It lies in [0, sqrt(ln 2)].
 *
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.spatial.distance.jensenshannon.html
 */
export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  if (p.length !== q.length) throw new RangeError(`jensenShannonDistance needs vectors of one length, but got ${p.length} and ${q.length}.`);
  const ps = p.reduce((s, v) => s + v, 0);
  const qs = q.reduce((s, v) => s + v, 0);
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / ps;
    const qi = q[i]! / qs;
    const m = (pi + qi) / 2;
    js += relEntr(pi, m) + relEntr(qi, m);
  }
  return Math.sqrt(js / 2);
}

/** scipy.special.rel_entr: x ln(x / y), 0 at x = 0. */
function relEntr(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(x / y);
}
