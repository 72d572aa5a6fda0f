import { InvalidSearchSpaceError, type Distribution, type SearchSpace } from "../core/search-space";
import { choiceIndex, gridHigh } from "../tpe/distributions";
import { isActive, orderParams } from "../tpe/sampler";
import type { Params } from "./types";

/**
 * Checks parameters given to evaluate first (`initial_trials`) against the search space: each
 * names only parameters of the space, gives every parameter active in it and none inactive, and
 * each value is one its distribution takes (a choice; in range; an integer or on the step's grid).
 * @throws InvalidSearchSpaceError naming the trial and the parameter.
 */
export function checkInitialTrials(space: SearchSpace, trials: readonly Params[]): void {
  const names = orderParams(space);
  trials.forEach((params, i) => {
    const fail = (param: string, why: string): never => {
      throw new InvalidSearchSpaceError(`initial_trials[${i}] \`${param}\` ${why}`, { trial: i, param });
    };
    for (const name of Object.keys(params)) if (!Object.prototype.hasOwnProperty.call(space, name)) fail(name, "is not in the search space.");
    for (const name of names) {
      const d = space[name] as Distribution;
      const given = Object.prototype.hasOwnProperty.call(params, name);
      const active = isActive(d, params);
      if (active && !given) fail(name, "is missing (every active parameter must be given).");
      if (!active && given) fail(name, `is given, but it exists only when \`${d.condition!.param}\` is one of ${JSON.stringify(d.condition!.in)}.`);
      if (given) {
        const why = invalidValue(d, params[name]);
        if (why) fail(name, why);
      }
    }
  });
}

/** Why `value` is not a value of `d`, or undefined. */
function invalidValue(d: Distribution, value: unknown): string | undefined {
  const shown = JSON.stringify(value);
  if (d.type === "categorical") return choiceIndex(d.choices, value) < 0 ? `is ${shown}, which is not one of ${JSON.stringify(d.choices)}.` : undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) return `must be a number, but got ${shown}.`;
  if (value < d.low || value > d.high) return `must be within [${d.low}, ${d.high}], but got ${shown}.`;
  if (d.type === "int" && !Number.isInteger(value)) return `must be an integer, but got ${shown}.`;
  if (d.step !== undefined && !d.log) {
    const k = (value - d.low) / d.step;
    if (Math.abs(k - Math.round(k)) > 1e-9 || value > gridHigh(d.low, d.high, d.step) + 1e-12) return `must be ${d.low} plus a multiple of ${d.step}, but got ${shown}.`;
  }
  return undefined;
}
