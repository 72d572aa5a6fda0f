import type { Rng } from "../../core/rng";
import type { Distribution, SearchSpace } from "../../core/search-space";
import { sampleUniform } from "../../tpe/distributions";
import { isActive, orderParams } from "../../tpe/sampler";
import type { Params } from "../types";
import type { SampleContext, Sampler } from "./sampler";

/**
 * Draws every parameter independently and uniformly on its scale (log scales uniform in log),
 * ignoring the history (Optuna's `RandomSampler`). Inactive conditional parameters are left out.
 */
export class RandomSampler implements Sampler {
  capacity(space: SearchSpace): number {
    orderParams(space);
    return Infinity;
  }

  ask(space: SearchSpace, _history: unknown, rng: Rng, _ctx?: SampleContext): Params {
    const out: Params = {};
    for (const name of orderParams(space)) {
      const d = space[name] as Distribution;
      if (isActive(d, out)) out[name] = sampleUniform(d, rng);
    }
    return out;
  }
}
