import { Rng } from "../../core/rng";
import { InvalidSearchSpaceError, type Choice, type Distribution, type SearchSpace } from "../../core/search-space";
import { gridHigh } from "../../tpe/distributions";
import { isActive, orderParams } from "../../tpe/sampler";
import type { Params } from "../types";
import type { SampleContext, Sampler } from "./sampler";

/** The largest grid a study may cover. */
export const MAX_GRID_POINTS = 100_000;

/**
 * Covers every combination of the space's values exactly once, in an order shuffled by the study's
 * seed (Optuna's `GridSampler`, which takes the values as lists): choices; integers and stepped
 * floats on their grid; unstepped floats at `n_points` evenly spaced values (geometrically on a
 * log scale). A conditional parameter is combined only with the parent values that activate it.
 * The `index`-th trial takes the `index`-th point of the shuffled grid, so several workers never
 * repeat one.
 * @param nPoints values of an unstepped float (default 5).
 */
export class GridSampler implements Sampler {
  constructor(private readonly nPoints = 5) {}

  capacity(space: SearchSpace): number {
    return gridPoints(space, this.nPoints).length;
  }

  ask(space: SearchSpace, _history: unknown, _rng: Rng, ctx: SampleContext): Params {
    const points = gridPoints(space, this.nPoints);
    if (ctx.index < 0 || ctx.index >= points.length) throw new RangeError(`The grid has ${points.length} points; there is no point ${ctx.index}.`);
    const order = new Rng(ctx.seed).permutation(points.length);
    return { ...points[order[ctx.index] as number] };
  }
}

/** Every point of the grid, parents before children, in the space's order. */
export function gridPoints(space: SearchSpace, nPoints: number): Params[] {
  let points: Params[] = [{}];
  for (const name of orderParams(space)) {
    const d = space[name] as Distribution;
    const values = gridValues(d, nPoints);
    const next: Params[] = [];
    for (const p of points) {
      if (!isActive(d, p)) next.push(p);
      else for (const v of values) next.push({ ...p, [name]: v });
      if (next.length > MAX_GRID_POINTS) {
        throw new InvalidSearchSpaceError(`The grid of this search space has more than ${MAX_GRID_POINTS} points (at \`${name}\`, with ${values.length} values); give steps, fewer choices or narrower ranges.`, { param: name });
      }
    }
    points = next;
  }
  return points;
}

/** The values one parameter takes on the grid. */
export function gridValues(d: Distribution, nPoints: number): Choice[] {
  if (d.type === "categorical") return [...d.choices];
  if (d.low === d.high) return [d.low];
  const step = d.step ?? (d.type === "int" ? 1 : undefined);
  if (step !== undefined) {
    const n = Math.round((gridHigh(d.low, d.high, step) - d.low) / step) + 1;
    if (n > MAX_GRID_POINTS) return Array.from({ length: MAX_GRID_POINTS + 1 }, (_, k) => d.low + k * step);
    return Array.from({ length: n }, (_, k) => d.low + k * step);
  }
  const at = (t: number): number => (d.log ? Math.exp(Math.log(d.low) + t * (Math.log(d.high) - Math.log(d.low))) : d.low + t * (d.high - d.low));
  return Array.from({ length: nPoints }, (_, i) => (i === nPoints - 1 ? d.high : i === 0 ? d.low : at(i / (nPoints - 1))));
}
