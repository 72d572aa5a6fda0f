import { Rng } from "../../core/rng";
import { InvalidSearchSpaceError, type Distribution, type SearchSpace } from "../../core/search-space";
import { fromInternal, isSingle, parzenBounds, sampleUniform, singleValue } from "../../tpe/distributions";
import { isActive, orderParams } from "../../tpe/sampler";
import type { Params } from "../types";
import type { SampleContext, Sampler } from "./sampler";
import { Sobol } from "./sobol";
import { SOBOL_MAX_DIM } from "./sobol-directions";

/**
 * Quasi-Monte Carlo with Sobol' points (Optuna's `QMCSampler(qmc_type="sobol")`): the `index`-th
 * trial takes the `index`-th Sobol' point over the unconditional parameters (sorted by name, as
 * Optuna does), each coordinate mapped linearly onto the parameter's range (in log for log scales;
 * integers and steps rounded to their grid, as Optuna's transform does; a categorical takes the
 * choice floor(u * n), where Optuna one-hot encodes it). Conditional parameters are drawn at random,
 * as Optuna's independent sampler does. Unscrambled (Optuna's default) the points are SciPy's;
 * `scramble` uses a seeded scramble of the same method.
 * @see https://optuna.readthedocs.io/en/v3.1.0/reference/samplers/generated/optuna.samplers.QMCSampler.html
 */
export class QmcSampler implements Sampler {
  constructor(private readonly scramble = false) {}

  capacity(space: SearchSpace): number {
    const dims = qmcParams(space);
    if (dims.length > SOBOL_MAX_DIM) throw new InvalidSearchSpaceError(`The qmc sampler handles at most ${SOBOL_MAX_DIM} unconditional parameters, but the space has ${dims.length}.`);
    return Infinity;
  }

  ask(space: SearchSpace, _history: unknown, rng: Rng, ctx: SampleContext): Params {
    const dims = qmcParams(space);
    const u = dims.length ? new Sobol(dims.length, this.scramble ? new Rng(ctx.seed) : undefined).point(ctx.index) : [];
    const fromQmc = new Map(dims.map((name, i) => [name, u[i] as number]));
    const out: Params = {};
    for (const name of orderParams(space)) {
      const d = space[name] as Distribution;
      if (!isActive(d, out)) continue;
      const ui = fromQmc.get(name);
      out[name] = ui === undefined ? (isSingle(d) ? singleValue(d) : sampleUniform(d, rng)) : fromUnit(d, ui);
    }
    return out;
  }
}

/** The parameters the Sobol' points cover: unconditional ones that can take more than one value, sorted by name. */
function qmcParams(space: SearchSpace): string[] {
  return orderParams(space)
    .filter((name) => !(space[name] as Distribution).condition && !isSingle(space[name] as Distribution))
    .sort();
}

/** The value of a coordinate u in [0, 1): linear on the internal scale, then rounded like any sample. */
function fromUnit(d: Distribution, u: number): Params[string] {
  if (d.type === "categorical") return d.choices[Math.min(d.choices.length - 1, Math.floor(u * d.choices.length))] as Params[string];
  const b = parzenBounds(d);
  return fromInternal(d, b.low + u * (b.high - b.low));
}
