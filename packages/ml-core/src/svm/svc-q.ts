import { KernelCache } from "./kernel-cache";

/** libsvm's kernel codes, as SvcQ computes them. */
export const KERNEL_TYPES = { linear: 0, poly: 1, rbf: 2, sigmoid: 3 } as const;

/** The kernel SvcQ computes: its name and libsvm's parameters. */
export interface KernelSpec {
  readonly kernel: keyof typeof KERNEL_TYPES;
  readonly gamma: number;
  readonly degree: number;
  readonly coef0: number;
}

/**
 * libsvm's `SVC_Q` (with its `Kernel` base): the matrix Q_ij = y_i y_j K(x_i, x_j) of the C-SVC
 * dual, one column at a time through an LRU `KernelCache`, on dense row-major rows. It owns its
 * rows and labels, which `swapIndex` permutes along with the solver's arrays. rbf uses
 * exp(-gamma (|x_i|^2 + |x_j|^2 - 2 x_i.x_j)) with precomputed squared norms, as libsvm does.
 */
export class SvcQ {
  /** The diagonal Q_ii (libsvm's `QD`). */
  readonly QD: Float64Array;
  private readonly sq: Float64Array;
  /** Scratch: the dot products of one column. */
  private readonly dots: Float64Array;
  /** Scratch: the non-zero features of one row. */
  private readonly nzIdx: Int32Array;
  private readonly nzVal: Float64Array;
  private readonly cache: KernelCache;
  private readonly type: number;
  private readonly gamma: number;
  private readonly degree: number;
  private readonly coef0: number;

  /**
   * @param x the l rows, l x d row-major; taken over (permuted in place).
   * @param y +1 / -1 per row; taken over.
   * @param cacheBytes the kernel cache budget in bytes.
   */
  constructor(private readonly x: Float64Array, private readonly d: number, private readonly y: Float64Array, k: KernelSpec, cacheBytes: number) {
    const l = y.length;
    this.type = KERNEL_TYPES[k.kernel];
    this.gamma = k.gamma;
    this.degree = k.degree;
    this.coef0 = k.coef0;
    this.cache = new KernelCache(l, cacheBytes);
    this.sq = new Float64Array(l);
    this.dots = new Float64Array(l);
    this.nzIdx = new Int32Array(d);
    this.nzVal = new Float64Array(d);
    for (let i = 0; i < l; i++) {
      let s = 0;
      for (let t = i * d, e = t + d; t < e; t++) s += x[t]! * x[t]!;
      this.sq[i] = s;
    }
    this.QD = new Float64Array(l);
    for (let i = 0; i < l; i++) this.QD[i] = this.kernel(i, i);
  }

  /** Column i of Q, valid on [0, len); read it before the next `getQ` that may evict it (two are always kept). */
  getQ(i: number, len: number): Float32Array {
    const data = this.cache.get(i, len);
    const start = this.cache.filled;
    if (start < len) this.fill(data, i, start, len);
    return data;
  }

  /** Rows i and j trade places (libsvm's `SVC_Q::swap_index`). */
  swapIndex(i: number, j: number): void {
    this.cache.swapIndex(i, j);
    const x = this.x;
    const d = this.d;
    for (let a = i * d, b = j * d, e = a + d; a < e; a++, b++) {
      const t = x[a]!;
      x[a] = x[b]!;
      x[b] = t;
    }
    swap(this.y, i, j);
    swap(this.sq, i, j);
    swap(this.QD, i, j);
  }

  /** K(x_i, x_j) for one pair, as libsvm's `kernel_function`. */
  private kernel(i: number, j: number): number {
    const dot = this.dot(i, j);
    switch (this.type) {
      case 0:
        return dot;
      case 1:
        return Math.pow(this.gamma * dot + this.coef0, this.degree);
      case 2:
        return Math.exp(-this.gamma * (this.sq[i]! + this.sq[j]! - 2 * dot));
      default:
        return Math.tanh(this.gamma * dot + this.coef0);
    }
  }

  private dot(i: number, j: number): number {
    const x = this.x;
    let s = 0;
    for (let a = i * this.d, b = j * this.d, e = a + this.d; a < e; a++, b++) s += x[a]! * x[b]!;
    return s;
  }

  /**
   * data[j] = y_i y_j K(x_i, x_j) for j in [start, len): the hot loop of training. Dot products
   * go four rows at a time so that four independent sums are in flight, over the non-zero
   * features of x_i only when it is sparse enough; each sum still adds its terms in feature order
   * from 0, so every value is bitwise that of the plain loop (and of libsvm's sparse one).
   */
  private fill(data: Float32Array, i: number, start: number, len: number): void {
    const dots = this.dots;
    const x = this.x;
    const d = this.d;
    const ai = i * d;
    // zero features of x_i add exact zeros: skipping them leaves every sum bitwise the same
    const nzIdx = this.nzIdx;
    const nzVal = this.nzVal;
    let nnz = 0;
    for (let k = 0; k < d; k++) {
      const v = x[ai + k]!;
      if (v !== 0) {
        nzIdx[nnz] = k;
        nzVal[nnz++] = v;
      }
    }
    let j = start;
    if (4 * nnz < 3 * d) {
      for (; j + 3 < len; j += 4) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        const b0 = j * d;
        const b1 = b0 + d;
        const b2 = b1 + d;
        const b3 = b2 + d;
        for (let t = 0; t < nnz; t++) {
          const k = nzIdx[t]!;
          const v = nzVal[t]!;
          s0 += v * x[b0 + k]!;
          s1 += v * x[b1 + k]!;
          s2 += v * x[b2 + k]!;
          s3 += v * x[b3 + k]!;
        }
        dots[j] = s0;
        dots[j + 1] = s1;
        dots[j + 2] = s2;
        dots[j + 3] = s3;
      }
    } else {
      for (; j + 3 < len; j += 4) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        const b0 = j * d;
        const b1 = b0 + d;
        const b2 = b1 + d;
        const b3 = b2 + d;
        for (let k = 0; k < d; k++) {
          const v = x[ai + k]!;
          s0 += v * x[b0 + k]!;
          s1 += v * x[b1 + k]!;
          s2 += v * x[b2 + k]!;
          s3 += v * x[b3 + k]!;
        }
        dots[j] = s0;
        dots[j + 1] = s1;
        dots[j + 2] = s2;
        dots[j + 3] = s3;
      }
    }
    for (; j < len; j++) {
      let s = 0;
      for (let a = ai, b = j * d, e = ai + d; a < e; a++, b++) s += x[a]! * x[b]!;
      dots[j] = s;
    }
    const y = this.y;
    const yi = y[i]!;
    const gamma = this.gamma;
    switch (this.type) {
      case 0:
        for (let t = start; t < len; t++) data[t] = yi * y[t]! * dots[t]!;
        return;
      case 1: {
        const { coef0, degree } = this;
        for (let t = start; t < len; t++) data[t] = yi * y[t]! * Math.pow(gamma * dots[t]! + coef0, degree);
        return;
      }
      case 2: {
        const sq = this.sq;
        const sqi = sq[i]!;
        for (let t = start; t < len; t++) data[t] = yi * y[t]! * expNonPositive(-gamma * (sqi + sq[t]! - 2 * dots[t]!));
        return;
      }
      default: {
        const coef0 = this.coef0;
        for (let t = start; t < len; t++) data[t] = yi * y[t]! * Math.tanh(gamma * dots[t]! + coef0);
      }
    }
  }
}

const EXP_TABLE = Float64Array.from({ length: 64 }, (_, j) => 2 ** (j / 64));
const EXP_POW2 = Float64Array.from({ length: 1100 }, (_, i) => 2 ** -i);
const EXP_INV = 64 / Math.LN2;
// fdlibm's split of ln2 (hi has 32 bits, so k * hi is exact), over 64
const EXP_LN2_HI = 6.93147180369123816490e-1 / 64;
const EXP_LN2_LO = 1.90821492927058770002e-10 / 64;
const EXP_SHIFTER = 6755399441055744; // 1.5 * 2^52: adding it rounds to an integer

/**
 * exp(x) for x <= ~0 (a tiny positive x from rounding is fine), within two units in the
 * last place of double (measured 1.8), so that after rounding to float32 the kernel values are those of
 * `Math.exp` but for a few in a billion; about twice as fast in the fill loop.
 * x = k ln2 / 64 + r, exp(x) = 2^(k/64) (table) * exp(r) (Taylor to r^6, |r| <= ln2 / 128).
 */
function expNonPositive(x: number): number {
  if (x < -700) return 0;
  const kf = x * EXP_INV + EXP_SHIFTER - EXP_SHIFTER;
  const k = kf | 0;
  const r = x - kf * EXP_LN2_HI - kf * EXP_LN2_LO;
  const p = r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720))))));
  return EXP_TABLE[k & 63]! * EXP_POW2[-(k >> 6)]! * (1 + p);
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
