import { InvalidHyperparameterError, MlError } from "./errors";
import type { AlgorithmSpec, FitShape } from "./estimator";
import { orderParams, type Choice, type Distribution, type SearchSpace } from "./search-space";

/** The limits one fit must keep so that it fits in a worker; named after the service's settings. */
export interface BudgetLimits {
  /** MAX_MODEL_PARAMS: the most numbers (weights, biases) one model may learn. */
  readonly maxModelParams: number;
}

/** Why a parameter set is over budget: a message naming the parameter, the size and the limit. */
interface Overrun {
  readonly message: string;
  readonly details: { param: string; value: unknown; size: number; limit: "MAX_MODEL_PARAMS"; max: number; n_features: number };
}

/**
 * Refuses hyperparameters whose model would not fit the limits, before anything is fitted. Only
 * algorithms that declare a `modelSize` are checked; the others pass.
 * @param spec the algorithm.
 * @param params validated hyperparameters (`spec.params.parse`).
 * @param shape the data's encoded width and classes; a lower bound (header columns - 1) refuses
 *   only what is certainly too big.
 * @param limits see `BudgetLimits`.
 * @throws InvalidHyperparameterError (400) naming the parameter, its value, the size and MAX_MODEL_PARAMS.
 */
export function checkBudget<P>(spec: AlgorithmSpec<P>, params: P, shape: FitShape, limits: BudgetLimits): void {
  const over = overrun(spec, params, shape, limits);
  if (over) throw new InvalidHyperparameterError(over.message, over.details);
}

/**
 * Refuses a search space some of whose points could not be tried: a name the algorithm does not
 * have, a bound or choice the parameter does not accept (its own caps, like n_estimators <= 5000),
 * a float range for an integer parameter, or a largest point (every numeric parameter at its
 * high, each categorical at its costliest choice, the rest at their defaults) over `limits`.
 * Numeric sizes are assumed to grow with each parameter, as they do for every declared `modelSize`.
 * @throws MlError `INVALID_SEARCH_SPACE` (400) naming the parameter and the value.
 */
export function checkSearchSpace<P>(spec: AlgorithmSpec<P>, space: SearchSpace, shape: FitShape, limits: BudgetLimits): void {
  const docs = new Map(spec.params.docs.map((d) => [d.name, d]));
  orderParams(space); // conditions: on a parameter of the space, categorical, with choices it takes, no cycle
  for (const [name, d] of Object.entries(space)) {
    const doc = docs.get(name);
    if (!doc) {
      throw new MlError("INVALID_SEARCH_SPACE", `search_space names \`${name}\`, which ${spec.name} does not have; its hyperparameters are: ${[...docs.keys()].join(", ")}.`, 400, { param: name });
    }
    if (d.type === "float" && d.step === undefined && d.low < d.high && doc.type === "int") {
      throw new MlError("INVALID_SEARCH_SPACE", `search_space \`${name}\` is a float range, but \`${name}\` takes integers; use "type": "int".`, 400, { param: name });
    }
    for (const value of extremes(d)) {
      const reason = spec.params.invalidReason({ [name]: value });
      if (reason) throw new MlError("INVALID_SEARCH_SPACE", `search_space \`${name}\` reaches ${JSON.stringify(value)}, which is not a valid value: ${reason}`, 400, { param: name, value });
    }
  }
  const over = overrun(spec, largestPoint(spec, space, shape), shape, limits);
  if (over) throw new MlError("INVALID_SEARCH_SPACE", `At the largest point of search_space, ${over.message}`, 400, over.details);
}

function overrun<P>(spec: AlgorithmSpec<P>, params: P, shape: FitShape, limits: BudgetLimits): Overrun | undefined {
  const size = spec.modelSize;
  if (!size) return undefined;
  const n = size.count(params, shape);
  if (n <= limits.maxModelParams) return undefined;
  const value = (params as Record<string, unknown>)[size.param];
  const classes = shape.nClasses !== undefined && shape.nClasses > 2 ? ` and ${count(shape.nClasses)} classes` : "";
  return {
    message: `\`${size.param}\` ${JSON.stringify(value)} gives ${count(n)} ${size.unit} for ${count(shape.nFeatures)} input features${classes}, more than MAX_MODEL_PARAMS (${count(limits.maxModelParams)}).`,
    details: { param: size.param, value, size: n, limit: "MAX_MODEL_PARAMS", max: limits.maxModelParams, n_features: shape.nFeatures },
  };
}

/** The values a distribution reaches at its ends: low and the highest grid point, or every choice. */
function extremes(d: Distribution): readonly Choice[] {
  if (d.type === "categorical") return d.choices;
  return d.step === undefined ? [d.low, d.high] : [d.low, d.low + Math.floor((d.high - d.low) / d.step + 1e-9) * d.step];
}

/** The defaults with every numeric parameter at its high and each categorical at its costliest choice. */
function largestPoint<P>(spec: AlgorithmSpec<P>, space: SearchSpace, shape: FitShape): P {
  const point: Record<string, unknown> = { ...(spec.params.defaults as Record<string, unknown>) };
  for (const [name, d] of Object.entries(space)) if (d.type !== "categorical") point[name] = extremes(d)[1];
  const size = spec.modelSize;
  for (const [name, d] of Object.entries(space)) {
    if (d.type !== "categorical") continue;
    let best = -Infinity;
    for (const choice of d.choices) {
      const n = size ? size.count({ ...point, [name]: choice } as P, shape) : 0;
      if (n > best) [best, point[name]] = [n, choice];
    }
  }
  return point as P;
}

function count(n: number): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: 0 });
}
