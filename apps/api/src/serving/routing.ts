import { createHash } from "node:crypto";

/**
 * Where `key` falls in [0, 1) for `seed`: the first 32 bits of sha256(seed, key) over 2^32.
 * Deterministic, so that the same entity meets the same route while the weights stand, and
 * uniform, so that a split over many keys follows the weights.
 */
export function routingPoint(seed: string, key: string): number {
  return createHash("sha256").update(seed).update("\0").update(key).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * The route `point` (in [0, 1)) falls on when [0, 1) is cut into spans proportional to the
 * routes' weights, in their order; routes of weight 0 get nothing. The weights must not all be 0.
 */
export function pickRoute<R extends { readonly weight: number }>(routes: readonly R[], point: number): R {
  const total = routes.reduce((sum, r) => sum + r.weight, 0);
  let edge = 0;
  for (const route of routes) {
    edge += route.weight / total;
    if (route.weight > 0 && point < edge) return route;
  }
  // Rounding may leave the top of [0, 1) past the last edge: it belongs to the last weighted route.
  return [...routes].reverse().find((r) => r.weight > 0)!;
}
