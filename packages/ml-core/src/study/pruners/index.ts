import { z } from "zod";
import { settingsUnion } from "../samplers";
import { HyperbandPruner } from "./hyperband-pruner";
import { NopPruner } from "./nop-pruner";
import { MedianPruner, PercentilePruner } from "./percentile-pruner";
import type { Pruner } from "./pruner";
import { SuccessiveHalvingPruner } from "./successive-halving-pruner";

export * from "./pruner";
export { NopPruner } from "./nop-pruner";
export { MedianPruner, PercentilePruner, nanPercentile, type PercentileSettings } from "./percentile-pruner";
export { SuccessiveHalvingPruner, type SuccessiveHalvingSettings } from "./successive-halving-pruner";
export { HyperbandPruner, bracketOf, type HyperbandSettings, type Brackets } from "./hyperband-pruner";
export { crc32 } from "./crc32";

const count = (min: number, def: number, description: string) => z.number().int().min(min).default(def).meta({ description });
const startup = count(0, 5, "No pruning until this many trials are complete.");
const warmup = count(0, 0, "No pruning before this step.");
const interval = count(1, 1, "Decide every this many steps after the warm-up.");
const minTrials = count(1, 1, "No pruning at a step fewer complete trials reached.");
const resource = (def: number | "auto", description: string) => z.union([z.number().int().min(1), z.literal("auto")]).default(def).meta({ description });

/** Each pruner's settings with Optuna's names and defaults; a request gives the name alone or `{name, ...settings}`. */
export const PRUNER_SETTINGS = {
  none: z.strictObject({}),
  median: z.strictObject({ n_startup_trials: startup, n_warmup_steps: warmup, interval_steps: interval, n_min_trials: minTrials }),
  percentile: z.strictObject({
    percentile: z.number().min(0).max(100).default(25).meta({ description: "The percentile of the complete trials' values a trial must beat (Optuna has no default; ours is 25)." }),
    n_startup_trials: startup,
    n_warmup_steps: warmup,
    interval_steps: interval,
    n_min_trials: minTrials,
  }),
  successive_halving: z.strictObject({
    min_resource: resource("auto", "Steps before the first rung; auto: max(the first complete trial's last step / 100, 1), fixed from then on."),
    reduction_factor: count(2, 4, "The top 1/reduction_factor of a rung go on."),
    min_early_stopping_rate: count(0, 0, "Moves the first rung to min_resource * reduction_factor^rate."),
    bootstrap_count: count(0, 0, "Prune at a rung until more than this many trials reached it."),
  }),
  hyperband: z
    .strictObject({
      min_resource: count(1, 1, "Steps before the first rung of the most aggressive bracket."),
      max_resource: resource("auto", "The most steps a trial takes; auto: the first complete trial's last step + 1, fixed from then on (as Optuna)."),
      reduction_factor: count(2, 3, "The top 1/reduction_factor of a rung go on."),
      bootstrap_count: count(0, 0, "Prune at a rung until more than this many trials reached it (needs an explicit max_resource)."),
    })
    .refine((s) => !(s.bootstrap_count > 0 && s.max_resource === "auto"), { message: "`bootstrap_count` > 0 needs an explicit `max_resource`, as in Optuna.", path: ["bootstrap_count"] })
    .refine((s) => s.max_resource === "auto" || s.max_resource >= s.min_resource, { message: "`max_resource` must be at least `min_resource`.", path: ["max_resource"] }),
} as const;

/** The names of the pruners, as `POST /optimize` spells them. */
export type PrunerName = keyof typeof PRUNER_SETTINGS;
export const PRUNER_NAMES = Object.keys(PRUNER_SETTINGS) as PrunerName[];

/** A validated pruner choice: its name and complete settings. */
export type PrunerConfig = { [K in PrunerName]: { name: K } & z.output<(typeof PRUNER_SETTINGS)[K]> }[PrunerName];

/** `pruner` in a request: a name, or `{name, ...settings}`; normalised to `{name, ...settings with defaults}`. */
export const prunerConfigSchema = settingsUnion(PRUNER_SETTINGS as unknown as Record<string, z.ZodObject>) as unknown as z.ZodType<PrunerConfig, unknown>;

const BUILD: { [K in PrunerName]: (s: z.output<(typeof PRUNER_SETTINGS)[K]>) => Pruner } = {
  none: () => new NopPruner(),
  median: (s) => new MedianPruner(s),
  percentile: (s) => new PercentilePruner(s),
  successive_halving: (s) => new SuccessiveHalvingPruner(s),
  hyperband: (s) => new HyperbandPruner(s),
};

/** The pruner a validated config names. */
export function makePruner(config: PrunerConfig): Pruner {
  const { name, ...settings } = config;
  return (BUILD[name] as (s: unknown) => Pruner)(settings);
}
