import { randomInt } from "node:crypto";
import { z } from "zod";
import { custom, type ParamDef } from "./hyperparams";

/**
 * The `random_state` hyperparameter: null (the default) or a non-negative integer seed.
 * @param description what the seed drives in this estimator; default: every random choice, a fresh seed per fit when null.
 */
export function randomStateParam(description = "Seed of every random choice; null draws a fresh one for each fit."): ParamDef<number | null> {
  return custom(z.number().int().min(0).nullable() as z.ZodType<number | null>, { type: "int | null", min: 0, default: null, description });
}

/** The seed of a fit: `random_state` itself, or a fresh one when it is null. */
export function resolveSeed(randomState: number | null): number {
  return randomState ?? randomInt(0x7fffffff);
}
