import type { Objective } from "./lbfgs";

/** Settings of `fista`. */
export interface FistaOptions {
  readonly maxIter: number;
  /** Stop when the largest coefficient change is at most `tol` times the largest coefficient. */
  readonly tol: number;
  /** Proximal operator of the non-smooth part: maps `x` in place for a step of size `step`. */
  readonly prox: (x: Float64Array, step: number) => void;
  /** Value of the non-smooth part at `x`. */
  readonly penalty: (x: Float64Array) => number;
  readonly onIteration?: (iter: number) => void;
}

/** What `fista` found. */
export interface FistaResult {
  readonly x: Float64Array;
  readonly nIter: number;
  readonly converged: boolean;
}

/**
 * Minimises smooth(x) + penalty(x) with accelerated proximal gradient (FISTA) with
 * backtracking on the Lipschitz constant and a monotone restart, in float64.
 * See Beck & Teboulle (2009), "A Fast Iterative Shrinkage-Thresholding Algorithm".
 */
export function fista(fg: Objective, x0: Float64Array, options: FistaOptions): FistaResult {
  const n = x0.length;
  let x = Float64Array.from(x0);
  const z = Float64Array.from(x0);
  let xNew = new Float64Array(n);
  const g = new Float64Array(n);
  const gTmp = new Float64Array(n);
  let t = 1;
  let L = 1;
  let F = fg(x, gTmp) + options.penalty(x);
  for (let iter = 1; iter <= options.maxIter; iter++) {
    const fz = fg(z, g);
    L *= 0.7;
    let fx = 0;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = z[i]! - g[i]! / L;
      options.prox(xNew, 1 / L);
      fx = fg(xNew, gTmp);
      let lin = 0;
      let quad = 0;
      for (let i = 0; i < n; i++) {
        const dlt = xNew[i]! - z[i]!;
        lin += g[i]! * dlt;
        quad += dlt * dlt;
      }
      if (fx <= fz + lin + (L / 2) * quad + 1e-12 * Math.abs(fz)) break;
      L *= 2;
    }
    const FNew = fx + options.penalty(xNew);
    let maxChange = 0;
    let maxCoef = 0;
    for (let i = 0; i < n; i++) {
      maxChange = Math.max(maxChange, Math.abs(xNew[i]! - x[i]!));
      maxCoef = Math.max(maxCoef, Math.abs(xNew[i]!));
    }
    if (FNew > F) {
      // monotone restart: drop the momentum and take a plain proximal step from x next time
      t = 1;
      z.set(x);
      continue;
    }
    const tNew = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const beta = (t - 1) / tNew;
    for (let i = 0; i < n; i++) z[i] = xNew[i]! + beta * (xNew[i]! - x[i]!);
    [x, xNew] = [xNew, x];
    t = tNew;
    F = FNew;
    options.onIteration?.(iter);
    if (maxChange <= options.tol * Math.max(maxCoef, 1e-12)) return { x, nIter: iter, converged: true };
  }
  return { x, nIter: options.maxIter, converged: false };
}
