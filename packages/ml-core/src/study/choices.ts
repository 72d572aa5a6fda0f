import { z } from "zod";
import { PRUNER_SETTINGS } from "./pruners";
import { SAMPLER_SETTINGS } from "./samplers";

/** A sampler or pruner as `GET /algorithms` lists it: its name, what it does, and its settings with their defaults. */
export interface ChoiceDoc {
  readonly name: string;
  readonly description: string;
  readonly settings: readonly { readonly name: string; readonly default: unknown; readonly description: string }[];
}

const SAMPLERS: Record<keyof typeof SAMPLER_SETTINGS, string> = {
  tpe: "Tree-structured Parzen Estimator (the default): random for the first 10 trials, then proposals where good trials are dense.",
  random: "Independent uniform draws (log-uniform on log scales).",
  grid: "Every combination of the space's values exactly once, in an order shuffled by random_state; the study stops when the grid is covered.",
  qmc: "Sobol' quasi-random points over the unconditional parameters (SciPy's sequence); conditional ones at random.",
};

const PRUNERS: Record<keyof typeof PRUNER_SETTINGS, string> = {
  none: "Never stops a trial early (the default).",
  median: "Stops a trial whose best step value is worse than the median of the complete trials at that step (Optuna's MedianPruner).",
  percentile: "Stops a trial whose best step value is worse than a percentile of the complete trials at that step (Optuna's PercentilePruner).",
  successive_halving: "Asynchronous successive halving: at each rung only the top 1/reduction_factor go on (Optuna's SuccessiveHalvingPruner).",
  hyperband: "Several successive-halving brackets with later and later first rungs (Optuna's HyperbandPruner).",
};

function docs(registry: Record<string, z.ZodObject>, descriptions: Record<string, string>): ChoiceDoc[] {
  return Object.entries(registry).map(([name, schema]) => {
    const defaults = schema.parse({}) as Record<string, unknown>;
    const settings = Object.entries(schema.shape).map(([key, field]) => ({ name: key, default: defaults[key], description: (field as z.ZodType).meta()?.description ?? "" }));
    return { name, description: descriptions[name] ?? "", settings };
  });
}

/** The samplers `POST /optimize` takes, for `GET /algorithms`. */
export const SAMPLER_DOCS: readonly ChoiceDoc[] = docs(SAMPLER_SETTINGS, SAMPLERS);
/** The pruners `POST /optimize` takes, for `GET /algorithms`. */
export const PRUNER_DOCS: readonly ChoiceDoc[] = docs(PRUNER_SETTINGS as unknown as Record<string, z.ZodObject>, PRUNERS);
