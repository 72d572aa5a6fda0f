import type { Rng } from "../../core/rng";
import { SOBOL_MAX_DIM, SOBOL_POLY, SOBOL_VINIT } from "./sobol-directions";

/** Bits of each coordinate (SciPy's default): points are multiples of 2^-30. */
const BITS = 30;

/**
 * Sobol' points in [0, 1)^d, any index directly: point n is the XOR of the direction numbers of
 * the set bits of gray(n), as SciPy's `qmc.Sobol` generates them (Joe and Kuo's direction numbers);
 * unscrambled, point n equals SciPy's n-th point exactly. Scrambled (`rng` given): a linear matrix
 * scramble and a digital shift drawn from `rng` (the method of SciPy's, not its random stream).
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.qmc.Sobol.html
 */
export class Sobol {
  /** directions[d][j]: the j-th direction number of dimension d, scaled to BITS bits. */
  private readonly directions: Uint32Array[];
  private readonly shift: Uint32Array;

  constructor(readonly dim: number, rng?: Rng) {
    if (!(dim >= 1 && dim <= SOBOL_MAX_DIM)) throw new RangeError(`Sobol' points need 1 to ${SOBOL_MAX_DIM} dimensions, but got ${dim}.`);
    this.directions = Array.from({ length: dim }, (_, d) => directionNumbers(d));
    this.shift = new Uint32Array(dim);
    if (rng) {
      for (let d = 0; d < dim; d++) {
        this.directions[d] = scrambled(this.directions[d] as Uint32Array, rng);
        this.shift[d] = rng.nextUint32() >>> (32 - BITS);
      }
    }
  }

  /** The n-th point (n from 0). */
  point(n: number): number[] {
    const gray = n ^ Math.floor(n / 2);
    const out: number[] = [];
    for (let d = 0; d < this.dim; d++) {
      const v = this.directions[d] as Uint32Array;
      let x = this.shift[d] as number;
      for (let j = 0, g = gray; g > 0; j++, g = Math.floor(g / 2)) if (g % 2 === 1) x ^= v[j] as number;
      out.push((x >>> 0) / 2 ** BITS);
    }
    return out;
  }
}

/** The BITS direction numbers of dimension d: m_j from the table, then Bratley and Fox's recurrence. */
function directionNumbers(d: number): Uint32Array {
  const m = new Uint32Array(BITS);
  if (d === 0) m.fill(1);
  else {
    const poly = SOBOL_POLY[d] as number;
    const s = Math.floor(Math.log2(poly));
    const init = SOBOL_VINIT[d] as readonly number[];
    for (let j = 0; j < s; j++) m[j] = init[j] as number;
    for (let j = s; j < BITS; j++) {
      let v = (m[j - s] as number) ^ ((m[j - s] as number) << s);
      for (let k = 1; k < s; k++) if ((poly >>> (s - k)) & 1) v ^= (m[j - k] as number) << k;
      m[j] = v;
    }
  }
  return m.map((mj, j) => (mj << (BITS - 1 - j)) >>> 0);
}

/** The direction numbers multiplied by a random lower-triangular binary matrix with a unit diagonal (MSB first). */
function scrambled(v: Uint32Array, rng: Rng): Uint32Array {
  const rows = Array.from({ length: BITS }, (_, k) => {
    const below = k === 0 ? 0 : rng.nextUint32() >>> (32 - k);
    return ((below << (BITS - k)) | (1 << (BITS - 1 - k))) >>> 0; // bits above k's own are zero
  });
  return v.map((x) => {
    let out = 0;
    for (let k = 0; k < BITS; k++) if (popcount(((rows[k] as number) & x) >>> 0) % 2 === 1) out |= 1 << (BITS - 1 - k);
    return out >>> 0;
  });
}

function popcount(x: number): number {
  let c = 0;
  for (let y = x; y !== 0; y &= y - 1) c++;
  return c;
}
