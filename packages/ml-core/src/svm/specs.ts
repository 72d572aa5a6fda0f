import type { AlgorithmSpec } from "../core/estimator";
import { SVC, svcParams } from "./svc";

/** The svm algorithms the service offers (see registry.ts). */
export const SVM_ALGORITHMS: readonly AlgorithmSpec[] = [
  {
    name: "SVC",
    task: "classification",
    description: "Support vector classifier (libsvm, as in scikit-learn's SVC) with rbf, linear, poly or sigmoid kernels; one-vs-one for many classes.",
    params: svcParams,
    scale: true,
    searchSpace: {
      C: { type: "float", low: 1e-3, high: 1e3, log: true },
      gamma: { type: "categorical", choices: ["scale", "auto"] },
      kernel: { type: "categorical", choices: ["rbf", "linear", "poly"] },
    },
    create: (p) => new SVC(p),
    restore: (s) => SVC.fromState(s),
  },
];
