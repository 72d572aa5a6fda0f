import type { AlgorithmSpec } from "../core/estimator";

/** The neural algorithms the service offers (see registry.ts). */
export const NEURAL_ALGORITHMS: readonly AlgorithmSpec[] = [];
