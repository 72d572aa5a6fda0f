import type { Rng } from "../../core/rng";
import type { SearchSpace } from "../../core/search-space";
import { ask, orderParams } from "../../tpe/sampler";
import type { TpeSettings } from "../../tpe/settings";
import type { Params, TrialRecord } from "../types";
import type { SampleContext, Sampler } from "./sampler";

/** The Tree-structured Parzen Estimator (`tpe/`), the service default, behind the `Sampler` interface. */
export class TpeSampler implements Sampler {
  /** @param settings overrides of `DEFAULT_TPE_SETTINGS` (the direction comes from the study). */
  constructor(private readonly settings: Partial<Omit<TpeSettings, "direction">> = {}) {}

  capacity(space: SearchSpace): number {
    orderParams(space);
    return Infinity;
  }

  ask(space: SearchSpace, history: readonly TrialRecord[], rng: Rng, ctx: SampleContext): Params {
    return ask(space, history, rng, { ...this.settings, direction: ctx.direction });
  }
}
