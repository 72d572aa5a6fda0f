import { availableParallelism } from "node:os";
import { z } from "zod";
import { custom } from "../core/hyperparams";

/** What `max_features` accepts: "sqrt", "log2", null (all), a fraction in (0, 1] or a count > 1. */
export type MaxFeatures = "sqrt" | "log2" | null | number;

/**
 * The `max_features` parameter with a default. A number in (0, 1] is a fraction of the features
 * (so 1 means all of them, like scikit-learn's 1.0); a larger number must be an integer count.
 */
export function maxFeaturesParam(defaultValue: MaxFeatures) {
  const schema = z.union([
    z.literal("sqrt"),
    z.literal("log2"),
    z.null(),
    z.number().gt(0).refine((v) => v <= 1 || Number.isInteger(v), { message: "a number above 1 must be an integer count of features" }),
  ]) as z.ZodType<MaxFeatures>;
  return custom(schema, {
    type: "enum | float | int | null",
    values: ["sqrt", "log2", null],
    default: defaultValue,
    description: 'Features drawn at each split: "sqrt", "log2", null (all), a fraction in (0, 1] (1 = all) or an integer count.',
  });
}

/** `max_features` resolved to a count in 1..nFeatures. */
export function resolveMaxFeatures(mf: MaxFeatures, nFeatures: number): number {
  const RULES = {
    sqrt: () => Math.floor(Math.sqrt(nFeatures)),
    log2: () => Math.floor(Math.log2(nFeatures)),
  } as const;
  let m: number;
  if (mf === null) m = nFeatures;
  else if (typeof mf === "string") m = RULES[mf]();
  else if (mf <= 1) m = Math.floor(mf * nFeatures);
  else m = mf;
  return Math.min(nFeatures, Math.max(1, m));
}

/** `n_jobs`: null or -1 = the cores available. */
export function nJobsParam() {
  return custom(z.number().int().refine((v) => v === -1 || v >= 1, { message: "n_jobs must be -1 or at least 1" }).nullable() as z.ZodType<number | null>, {
    type: "int | null",
    default: null,
    description: "Worker threads growing trees; null or -1 uses every available core. Results do not depend on it.",
  });
}

/** Worker threads for `n_jobs`. */
export function resolveJobs(nJobs: number | null): number {
  return nJobs === null || nJobs === -1 ? availableParallelism() : nJobs;
}

/** `max_depth`: null = unlimited, else at least 1. */
export function maxDepthParam(defaultValue: number | null) {
  return custom(z.number().int().min(1).nullable() as z.ZodType<number | null>, {
    type: "int | null",
    min: 1,
    default: defaultValue,
    description: "Deepest a tree may grow; null grows until leaves are pure or too small to split.",
  });
}
