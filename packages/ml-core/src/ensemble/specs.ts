import type { AlgorithmSpec } from "../core/estimator";

/** The ensemble algorithms the service offers (see registry.ts). */
export const ENSEMBLE_ALGORITHMS: readonly AlgorithmSpec[] = [];
