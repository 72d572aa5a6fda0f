import { InvalidHyperparameterError } from "../core/errors";
import { confusionMatrix, perClassScores } from "./confusion-matrix";

/** How precision, recall and F1 are averaged over classes. */
export type Average = "binary" | "weighted" | "macro";

/** Accuracy, precision, recall and F1 of one classification. */
export interface ClassificationScores {
  accuracy: number;
  precision: number;
  recall: number;
  f1_score: number;
}

type Scores = ReturnType<typeof perClassScores>;
const AVERAGES: Record<Average, (s: Scores, labels: number[]) => Omit<ClassificationScores, "accuracy">> = {
  binary: (s) => ({ precision: s.precision[1]!, recall: s.recall[1]!, f1_score: s.f1[1]! }),
  macro: (s, labels) => {
    const mean = (v: number[]): number => labels.reduce((a, c) => a + v[c]!, 0) / labels.length;
    return { precision: mean(s.precision), recall: mean(s.recall), f1_score: mean(s.f1) };
  },
  weighted: (s, labels) => {
    const total = labels.reduce((a, c) => a + s.support[c]!, 0);
    const mean = (v: number[]): number => (total > 0 ? labels.reduce((a, c) => a + v[c]! * s.support[c]!, 0) / total : 0);
    return { precision: mean(s.precision), recall: mean(s.recall), f1_score: mean(s.f1) };
  },
};

/**
 * Accuracy and averaged precision, recall and F1 of class indices, as scikit-learn's
 * `precision_recall_fscore_support` with `zero_division=0`: averages run over the classes that
 * occur in `yTrue` or `yPred`.
 * @param average default "binary" (positive class = index 1) when `nClasses` is 2, else "weighted".
 * See https://scikit-learn.org/stable/modules/generated/sklearn.metrics.precision_recall_fscore_support.html
 */
export function classificationMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number, average?: Average): ClassificationScores {
  const avg = average ?? (nClasses === 2 ? "binary" : "weighted");
  if (avg === "binary" && nClasses !== 2) {
    throw new InvalidHyperparameterError(`average "binary" needs exactly 2 classes, but got ${nClasses}; use "weighted" or "macro".`);
  }
  const cm = confusionMatrix(yTrue, yPred, nClasses);
  const scores = perClassScores(cm);
  const correct = cm.reduce((s, row, c) => s + row[c]!, 0);
  const present = cm.map((_, c) => c).filter((c) => scores.support[c]! > 0 || scores.predicted[c]! > 0);
  return { accuracy: yTrue.length ? correct / yTrue.length : 0, ...AVERAGES[avg](scores, present) };
}
