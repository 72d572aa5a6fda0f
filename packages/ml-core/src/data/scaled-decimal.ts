/** 10^k for k = 0..22, all exact doubles. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const TWO_53 = 2 ** 53;
const TWO_24 = 2 ** 24;
/** Dekker's splitter for binary64: 2^27 + 1. */
const SPLITTER = 134217729;
/** Half the width of the interval that surely holds the exact quotient, relative to it (see below). */
const SLACK = 2 ** -80;

/**
 * The double nearest to `(hi * 10^nLo + lo) / 10^k`, rounded as `Number` rounds (to nearest, ties
 * to even), or NaN when this cannot tell it quickly: the caller then asks `Number`. This is the
 * value of a decimal whose digits were read into `hi` (the first at most 15 significant digits),
 * `lo` (the `nLo` digits after them) and which has `k` digits after its point.
 *
 * @param hi an integer below 10^15.
 * @param lo an integer below 10^nLo.
 * @param nLo 0..4, so the mantissa `m = hi * 10^nLo + lo` is below 10^19 < 2^64.
 * @param k 0..22, so 10^k is an exact double.
 *
 * Why the answer equals `Number`'s:
 * - When `m < 2^53` it is an exact double, and so is 10^k: one IEEE division rounds `m / 10^k`
 *   correctly (Clinger's fast path).
 * - Otherwise `m` is held exactly as an unevaluated sum `mh + ml` (mh = m rounded, |ml| <= ulp(mh)/2;
 *   `hi * 10^nLo` is split at 2^24 so that both partial products are exact, and Fast2Sum adds
 *   exactly). For an integer (k = 0), `mh` is the answer.
 *   The quotient `q = fl(mh / 10^k)` is corrected by the residual `r = m - q * 10^k`, computed with
 *   TwoProduct (exact) and a subtraction that is exact by Sterbenz's lemma, then two roundings on
 *   terms of at most a few ulp(mh). So `c = fl(r / 10^k)` is within about 2^-100 |q| of the exact
 *   `m / 10^k - q` (no underflow: m >= 2^53 and 10^k <= 10^22 keep every term far from it).
 * - The exact quotient thus lies in [q + c - SLACK|q|, q + c + SLACK|q|] (the two endpoints, computed
 *   in floating point, move by less than 2^-100 |q|, still enclosing it). Rounding is monotone,
 *   so when both endpoints round to the same double, so does the exact quotient, and that double
 *   is the answer. They differ only when a rounding boundary (a halfway point between two doubles)
 *   lies within 2^-80 |q| of the quotient: exact halfway cases, which need k <= 4 (for k >= 5,
 *   m / 5^k < 2^53 has at most 53 bits), and otherwise about one input in 2^27.
 */
export function scaledDecimal(hi: number, lo: number, nLo: number, k: number): number {
  const scale = POW10[nLo]!;
  const p10 = POW10[k]!;
  const m = hi * scale + lo;
  if (m < TWO_53) return m / p10; // exact, as m >= 2^53 would not compute below 2^53
  // m = mh + ml exactly
  const hiTop = Math.floor(hi / TWO_24);
  const a = hiTop * scale * TWO_24;
  const b = (hi - hiTop * TWO_24) * scale + lo;
  const mh = a + b;
  const ml = b - (mh - a);
  if (k === 0) return mh; // the sum rounded to nearest, ties to even
  // r = m - q * p10 exactly = d - qe + ml, then c ~ r / p10
  const q = mh / p10;
  const qp = q * p10;
  const qe = twoProductError(q, p10, qp);
  const c = (mh - qp - qe + ml) / p10;
  const slack = q * SLACK;
  const down = q + (c - slack);
  return down === q + (c + slack) ? down : NaN;
}

/** The exact error `x * y - p` of the rounded product `p = fl(x * y)` (Dekker's TwoProduct). */
function twoProductError(x: number, y: number, p: number): number {
  const xs = SPLITTER * x;
  const xh = xs - (xs - x);
  const xl = x - xh;
  const ys = SPLITTER * y;
  const yh = ys - (ys - y);
  const yl = y - yh;
  return xl * yl - (p - xh * yh - xl * yh - xh * yl);
}
