/**
 * The standard normal truncated to [a, b]: log density, log mass of an interval, and the quantile
 * function used to sample it. Everything is computed in log space and by symmetry in the left tail,
 * so that kernels whose bounds lie 30 standard deviations away from the mean stay finite.
 *
 * Follows `optuna/samplers/_tpe/_truncnorm.py` (itself taken from SciPy's `truncnorm`); erf/erfc are
 * FreeBSD's `s_erf.c` (fdlibm), whose coefficients Optuna's `_erf.py` also uses.
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT1_2 = Math.SQRT1_2;

const erx = 8.45062911510467529297e-1;
const efx = 1.28379167095512586316e-1;
const pp0 = 1.28379167095512558561e-1, pp1 = -3.25042107247001499370e-1, pp2 = -2.84817495755985104766e-2, pp3 = -5.77027029648944159157e-3, pp4 = -2.37630166566501626084e-5;
const qq1 = 3.97917223959155352819e-1, qq2 = 6.50222499887672944485e-2, qq3 = 5.08130628187576562776e-3, qq4 = 1.32494738004321644526e-4, qq5 = -3.96022827877536812320e-6;
const pa0 = -2.36211856075265944077e-3, pa1 = 4.14856118683748331666e-1, pa2 = -3.72207876035701323847e-1, pa3 = 3.18346619901161753674e-1, pa4 = -1.10894694282396677476e-1, pa5 = 3.54783043256182359371e-2, pa6 = -2.16637559486879084300e-3;
const qa1 = 1.06420880400844228286e-1, qa2 = 5.40397917702171048937e-1, qa3 = 7.18286544141962662868e-2, qa4 = 1.26171219808761642112e-1, qa5 = 1.36370839120290507362e-2, qa6 = 1.19844998467991074170e-2;
const ra0 = -9.86494403484714822705e-3, ra1 = -6.93858572707181764372e-1, ra2 = -1.05586262253232909814e1, ra3 = -6.23753324503260060396e1, ra4 = -1.62396669462573470355e2, ra5 = -1.84605092906711035994e2, ra6 = -8.12874355063065934246e1, ra7 = -9.81432934416914548592;
const sa1 = 1.96512716674392571292e1, sa2 = 1.37657754143519042600e2, sa3 = 4.34565877475229228821e2, sa4 = 6.45387271733267880336e2, sa5 = 4.29008140027567833386e2, sa6 = 1.08635005541779435134e2, sa7 = 6.57024977031928170135, sa8 = -6.04244152148580987438e-2;
const rb0 = -9.86494292470009928597e-3, rb1 = -7.99283237680523006574e-1, rb2 = -1.77579549177547519889e1, rb3 = -1.60636384855821916062e2, rb4 = -6.37566443368389627722e2, rb5 = -1.02509513161107724954e3, rb6 = -4.83519191608651397019e2;
const sb1 = 3.03380607434824582924e1, sb2 = 3.25792512996573918826e2, sb3 = 1.53672958608443695994e3, sb4 = 3.19985821950859553908e3, sb5 = 2.55305040643316442583e3, sb6 = 4.74528541206955367215e2, sb7 = -2.24409524465858183362e1;

/** erfc(x) for x >= 0.84375 (the tail branches of fdlibm, accurate in relative terms). */
function erfcTail(x: number): number {
  if (x < 1.25) {
    const s = x - 1;
    const P = pa0 + s * (pa1 + s * (pa2 + s * (pa3 + s * (pa4 + s * (pa5 + s * pa6)))));
    const Q = 1 + s * (qa1 + s * (qa2 + s * (qa3 + s * (qa4 + s * (qa5 + s * qa6)))));
    return 1 - erx - P / Q;
  }
  if (x >= 28) return 0;
  const s = 1 / (x * x);
  let R: number, S: number;
  if (x < 1 / 0.35) {
    R = ra0 + s * (ra1 + s * (ra2 + s * (ra3 + s * (ra4 + s * (ra5 + s * (ra6 + s * ra7))))));
    S = 1 + s * (sa1 + s * (sa2 + s * (sa3 + s * (sa4 + s * (sa5 + s * (sa6 + s * (sa7 + s * sa8)))))));
  } else {
    R = rb0 + s * (rb1 + s * (rb2 + s * (rb3 + s * (rb4 + s * (rb5 + s * rb6)))));
    S = 1 + s * (sb1 + s * (sb2 + s * (sb3 + s * (sb4 + s * (sb5 + s * (sb6 + s * sb7))))));
  }
  // fdlibm's SET_LOW_WORD trick: z has few mantissa bits so z*z is exact.
  const z = Math.fround(x);
  return (Math.exp(-z * z - 0.5625) * Math.exp((z - x) * (z + x) + R / S)) / x;
}

/** erf(x) for |x| < 0.84375. */
function erfSmall(x: number): number {
  if (Math.abs(x) < 3.725290298461914e-9) return x + efx * x;
  const z = x * x;
  const r = pp0 + z * (pp1 + z * (pp2 + z * (pp3 + z * pp4)));
  const s = 1 + z * (qq1 + z * (qq2 + z * (qq3 + z * (qq4 + z * qq5))));
  return x + x * (r / s);
}

/** The error function. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 0.84375) return erfSmall(x);
  if (a >= 6) return x > 0 ? 1 : -1;
  const r = 1 - erfcTail(a);
  return x > 0 ? r : -r;
}

/** The complementary error function 1 - erf(x), accurate in relative terms for large x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 0.84375) return 1 - erfSmall(x);
  const t = erfcTail(a);
  return x > 0 ? t : 2 - t;
}

/** The standard normal CDF Phi(a). */
export function ndtr(a: number): number {
  return 0.5 * erfc(-a * SQRT1_2);
}

/**
 * log Phi(a), finite for every finite a: a log1p in the right tail and the asymptotic series
 * below -20 (as SciPy's `log_ndtr`).
 */
export function logNdtr(a: number): number {
  if (a > 6) return -ndtr(-a); // log(1 - e) ~ -e
  if (a > -20) return Math.log(ndtr(a));
  if (a === -Infinity) return -Infinity;
  const logLhs = -0.5 * a * a - Math.log(-a) - LOG_SQRT_2PI;
  const denomCons = 1 / (a * a);
  let last = 0, rhs = 1, numerator = 1, denom = 1, sign = 1;
  for (let i = 1; Math.abs(last - rhs) > Number.EPSILON && i < 100; i++) {
    last = rhs;
    sign = -sign;
    denom *= denomCons;
    numerator *= 2 * i - 1;
    rhs += sign * numerator * denom;
  }
  return logLhs + Math.log(rhs);
}

/** log(exp(p) - exp(q)) for p >= q. */
function logDiff(p: number, q: number): number {
  if (q === -Infinity) return p;
  return p + Math.log1p(-Math.exp(q - p));
}

/** log(exp(p) + exp(q)). */
function logSum(p: number, q: number): number {
  const m = Math.max(p, q);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(Math.exp(p - m) + Math.exp(q - m));
}

/** log of the standard normal mass of [a, b] (a <= b), computed in the tail it lies in. */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) return logDiff(logNdtr(b), logNdtr(a));
  if (a > 0) return logDiff(logNdtr(-a), logNdtr(-b));
  // Phi(-8.5) < 1e-17: such a tail changes log1p by less than a rounding error, so skip its erfc.
  return Math.log1p(-(a < -8.5 ? 0 : ndtr(a)) - (b > 8.5 ? 0 : ndtr(-b)));
}

const EXP_TABLE = Float64Array.from({ length: 64 }, (_, j) => 2 ** (j / 64));
const EXP_POW2 = Float64Array.from({ length: 1100 }, (_, i) => 2 ** -i);
const EXP_INV = 64 / Math.LN2;
const EXP_LN2_HI = 0.01083042469326756; // ln2 / 64 to 32 bits, so that k * EXP_LN2_HI is exact
const EXP_LN2_LO = Math.LN2 / 64 - EXP_LN2_HI;
const EXP_SHIFTER = 6755399441055744; // 1.5 * 2^52: adding it rounds to an integer

/**
 * exp(x) for -700 < x <= 0, with relative error under 3e-14, several times faster than
 * `Math.exp` in a tight loop: x = k ln2 / 64 + r, exp(x) = 2^(k/64) (table) * exp(r) (degree-5 Taylor,
 * |r| <= ln2 / 128). Used for the terms of mixture log-sum-exps.
 */
export function expNeg(x: number): number {
  const kf = x * EXP_INV + EXP_SHIFTER - EXP_SHIFTER;
  const k = kf | 0;
  const r = x - kf * EXP_LN2_HI - kf * EXP_LN2_LO;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  return (EXP_TABLE[k & 63] as number) * (EXP_POW2[-(k >> 6)] as number) * p;
}

/** The standard normal log density. */
export function normLogPdf(x: number): number {
  return -0.5 * x * x - LOG_SQRT_2PI;
}

/**
 * Log density at x of the standard normal truncated to [a, b]; -Infinity outside.
 * For a kernel with mean mu and scale sigma, pass standardised x, a, b and subtract log(sigma)
 * (Optuna 3.1's `_truncnorm.logpdf` forgets that term; the kernels here include it).
 */
export function logPdf(x: number, a: number, b: number): number {
  if (x < a || x > b) return -Infinity;
  return normLogPdf(x) - logGaussMass(a, b);
}

// Acklam's rational approximation of the normal quantile (relative error 1.15e-9), then refined.
const AC = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239] as const;
const BC = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1] as const;
const CC = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783] as const;
const DC = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const;

/** An initial guess of Phi^-1(p) for p in (0, 0.5], or of the left tail from log p when p underflows. */
function ndtriGuess(logP: number): number {
  if (logP < -700) return -Math.sqrt(-2 * logP - Math.log(-2 * logP) - Math.log(2 * Math.PI));
  const p = Math.exp(logP);
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * logP);
    return (((((CC[0] * q + CC[1]) * q + CC[2]) * q + CC[3]) * q + CC[4]) * q + CC[5]) / ((((DC[0] * q + DC[1]) * q + DC[2]) * q + DC[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((AC[0] * r + AC[1]) * r + AC[2]) * r + AC[3]) * r + AC[4]) * r + AC[5]) * q) / (((((BC[0] * r + BC[1]) * r + BC[2]) * r + BC[3]) * r + BC[4]) * r + 1);
}

/**
 * The x with log Phi(x) = y, for y <= log(0.5) (the left half, where log Phi is well conditioned).
 * Newton steps on log Phi from Acklam's guess; a bisection on [-100, 0] backs it up (as Optuna's).
 */
export function ndtriExp(y: number): number {
  if (y === -Infinity) return -Infinity;
  let x = ndtriGuess(y);
  for (let i = 0; i < 8; i++) {
    const l = logNdtr(x);
    const step = (l - y) / Math.exp(normLogPdf(x) - l); // f / f', f' = phi / Phi
    if (!Number.isFinite(step)) break;
    x -= step;
    if (Math.abs(step) <= 1e-14 * Math.max(1, Math.abs(x))) return x;
  }
  if (Number.isFinite(x) && Math.abs(logNdtr(x) - y) <= 1e-12 * Math.max(1, Math.abs(y))) return x;
  let lo = -100, hi = 10;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); i++) {
    const m = 0.5 * (lo + hi);
    if (logNdtr(m) < y) lo = m;
    else hi = m;
  }
  return 0.5 * (lo + hi);
}

/**
 * The q-quantile of the standard normal truncated to [a, b] (a < b, 0 <= q <= 1), computed from the
 * tail nearest to the interval so that far-out truncations keep their precision.
 */
export function ppf(q: number, a: number, b: number): number {
  if (a === b) return NaN;
  if (q <= 0) return a;
  if (q >= 1) return b;
  let x: number;
  if (a < 0) {
    const logPhiX = logSum(logNdtr(a), Math.log(q) + logGaussMass(a, b));
    x = logPhiX <= -Math.LN2 ? ndtriExp(logPhiX) : -ndtriExp(Math.log(-Math.expm1(logPhiX)));
  } else {
    const logPhiX = logSum(logNdtr(-b), Math.log1p(-q) + logGaussMass(a, b));
    x = logPhiX <= -Math.LN2 ? -ndtriExp(logPhiX) : ndtriExp(Math.log(-Math.expm1(logPhiX)));
  }
  return Math.min(b, Math.max(a, x));
}
