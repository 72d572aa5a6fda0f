import type { Rng } from "../core/rng";

/** 2^32 - (2^32 mod n): `Rng.int(n)` redraws 32-bit values at or above this (no modulo bias). */
export function intLimit(n: number): number {
  return 0x100000000 - (0x100000000 % n);
}

/**
 * Exactly `rng.int(n)` for 1 <= n <= 2^32, given `limit = intLimit(n)` computed once for a hot loop
 * (the float modulo of 2^32 is most of `int`'s cost).
 */
export function intBelow(rng: Rng, n: number, limit: number): number {
  let r: number;
  do r = rng.nextUint32();
  while (r >= limit);
  // r % n without a float modulo (r can exceed int32); floor(r / n) is exact for r, n < 2^32
  return r - Math.floor(r / n) * n;
}
