import { fisherYates, identity, type Shuffleable } from "../core/rng";

/**
 * numpy's legacy `RandomState` (MT19937 seeded with `init_genrand`), reduced to what
 * scikit-learn's splitters draw: `shuffle` and `permutation`. With it, `trainTestSplit`,
 * `kFold` and `stratifiedKFold` give exactly the indices scikit-learn gives for the same
 * `random_state`, so a user who knows scikit-learn gets the same split, and our metrics are
 * comparable with scikit-learn's figures row for row. Everything else random uses `Rng`.
 *
 * See numpy/random/mtrand.pyx (`_legacy_seeding`, `shuffle`) and
 * numpy/random/src/distributions/distributions.c (`random_interval`).
 */
export class NumpyRandomState {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  /** @param seed an integer in [0, 2^32), as `np.random.RandomState(seed)`. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be an integer in [0, 2**32), but got ${seed}.`);
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** The next 32-bit output of MT19937 (`genrand_int32`). */
  nextUint32(): number {
    const mt = this.mt;
    if (this.index >= 624) {
      for (let i = 0; i < 624; i++) {
        const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % 624]! & 0x7fffffff);
        mt[i] = mt[(i + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A uniform integer in [0, max] by masked rejection (numpy's `random_interval`, max < 2^32). */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    for (;;) {
      const value = (this.nextUint32() & mask) >>> 0;
      if (value <= max) return value;
    }
  }

  /** Shuffles `a` in place as `RandomState.shuffle` does a 1-d array, and returns it. */
  shuffle<T extends Shuffleable>(a: T): T {
    return fisherYates(a, (i) => this.interval(i));
  }

  /** `RandomState.permutation(n)`. */
  permutation(n: number): Int32Array {
    return this.shuffle(identity(n));
  }
}
