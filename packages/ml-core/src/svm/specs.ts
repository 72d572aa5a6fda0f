import type { AlgorithmSpec } from "../core/estimator";

/** The svm algorithms the service offers (see registry.ts). */
export const SVM_ALGORITHMS: readonly AlgorithmSpec[] = [];
