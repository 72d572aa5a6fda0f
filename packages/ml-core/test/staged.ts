import type { StagedEstimator } from "../src/core/estimator";
import type { Matrix } from "../src/core/matrix";

/** What a staged fit went through: the budget done at each pause, the model's outputs there, and the model at the end. */
export interface StagedRun<E> {
  readonly units: number[];
  readonly outputs: number[][];
  readonly model: E;
}

/**
 * Runs `e.fitStages(X, y, every)` to its end, reading `output(e)` (predictions or probabilities on
 * X) at every pause.
 */
export async function runStages<E extends StagedEstimator>(e: E, X: Matrix, y: Float64Array, every: number, output: (e: E) => Float64Array): Promise<StagedRun<E>> {
  const stages = e.fitStages(X, y, every);
  const units: number[] = [];
  const outputs: number[][] = [];
  for (;;) {
    const r = await stages.next();
    if (r.done) return { units, outputs, model: r.value };
    units.push(r.value);
    outputs.push(Array.from(output(e)));
  }
}
