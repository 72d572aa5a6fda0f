import type { AlgorithmSpec, Task } from "./core/estimator";
import { MlError } from "./core/errors";
import { ENSEMBLE_ALGORITHMS } from "./ensemble/specs";
import { LINEAR_ALGORITHMS } from "./linear/specs";
import { SVM_ALGORITHMS } from "./svm/specs";
import { NEURAL_ALGORITHMS } from "./neural/specs";

/**
 * Every algorithm the workers can train, by name. Adding one is an `AlgorithmSpec` here
 * plus its implementation.
 */
export const ALGORITHMS: readonly AlgorithmSpec[] = [...ENSEMBLE_ALGORITHMS, ...LINEAR_ALGORITHMS, ...SVM_ALGORITHMS, ...NEURAL_ALGORITHMS];

const byName = new Map(ALGORITHMS.map((a) => [a.name, a]));

/** The names of every algorithm, in registry order. */
export function algorithmNames(): string[] {
  return ALGORITHMS.map((a) => a.name);
}

/** The spec of `name`, or an `UNKNOWN_ALGORITHM` error (400) that lists the valid names. */
export function getAlgorithm(name: string): AlgorithmSpec {
  const spec = byName.get(name);
  if (!spec) {
    throw new MlError("UNKNOWN_ALGORITHM", `Unknown algorithm "${name}"; valid ones are: ${algorithmNames().join(", ")}.`, 400, { valid: algorithmNames() });
  }
  return spec;
}

/** Whether `name` is a known algorithm. */
export function isAlgorithm(name: string): boolean {
  return byName.has(name);
}

/** The algorithms of one task. */
export function algorithmsFor(task: Task): AlgorithmSpec[] {
  return ALGORITHMS.filter((a) => a.task === task);
}
