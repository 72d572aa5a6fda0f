/**
 * The one seeded random number generator of ml-core (xoshiro128**, seeded through splitmix32).
 * Everything random in an estimator, a split or the TPE sampler draws from an `Rng` built from the
 * user's `random_state`, so that the same seed gives the same result. `Math.random` is never used.
 *
 * See https://prng.di.unimi.it/ for the generator.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | undefined;

  /** @param seed any integer; the same seed always gives the same stream. */
  constructor(seed: number) {
    let x = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
    const splitmix = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = splitmix();
    this.s1 = splitmix();
    this.s2 = splitmix();
    this.s3 = splitmix();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform float in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** A uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!(n >= 1)) throw new RangeError(`Rng.int needs n >= 1, but got ${n}.`);
    if (n <= 0x100000000) {
      const limit = 0x100000000 - (0x100000000 % n);
      let r: number;
      do r = this.nextUint32();
      while (r >= limit);
      return r % n;
    }
    return Math.floor(this.next() * n);
  }

  /** A standard normal draw (Box-Muller). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Shuffles `a` in place (Fisher-Yates) and returns it. */
  shuffle<T extends Shuffleable>(a: T): T {
    return fisherYates(a, (i) => this.int(i + 1));
  }

  /**
   * `k` of `values` drawn without replacement, in the order drawn: the first `k` steps of a
   * Fisher-Yates shuffle of a copy, so `k` draws, not one per value.
   */
  sample(values: Float64Array, k: number): Float64Array {
    const a = Float64Array.from(values);
    const m = Math.min(k, a.length);
    for (let i = 0; i < m; i++) {
      const j = i + this.int(a.length - i);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a.slice(0, m);
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    return this.shuffle(identity(n));
  }

  /** Copies the generator's state (four 32-bit words) to `out[at..at+4)`, for a copy of it in WebAssembly. */
  saveState(out: Int32Array, at = 0): void {
    out[at] = this.s0;
    out[at + 1] = this.s1;
    out[at + 2] = this.s2;
    out[at + 3] = this.s3;
  }

  /** Takes the state back from `src[at..at+4)`, once that copy has drawn from it. */
  loadState(src: Int32Array, at = 0): void {
    this.s0 = src[at]!;
    this.s1 = src[at + 1]!;
    this.s2 = src[at + 2]!;
    this.s3 = src[at + 3]!;
  }

  /** A 31-bit seed for a child generator (one per tree, per fold, ...). */
  seed(): number {
    return this.nextUint32() >>> 1;
  }

  /** A child generator whose stream is independent of how much this one is used later. */
  fork(): Rng {
    return new Rng(this.seed());
  }
}

/** An array-like that can be shuffled in place. */
export type Shuffleable = { length: number; [i: number]: any };

/**
 * Fisher-Yates: for i from the end down to 1, swaps a[i] with a[pick(i)], where pick(i) is a
 * uniform index in [0, i]. Shared by `Rng` and `NumpyRandomState`, which differ only in `pick`.
 */
export function fisherYates<T extends Shuffleable>(a: T, pick: (i: number) => number): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = pick(i);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** 0..n-1 as an Int32Array. */
export function identity(n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return p;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
