import type { AlgorithmSpec } from "../core/estimator";

/** The linear algorithms the service offers (see registry.ts). */
export const LINEAR_ALGORITHMS: readonly AlgorithmSpec[] = [];
