import type { Label } from "../core/classes";
import { confusionMatrix, perClassScores } from "./confusion-matrix";

/**
 * scikit-learn's `classification_report` text, character for character: per-class precision,
 * recall, F1 and support, then accuracy, macro and weighted averages over all `labels`.
 * @param yTrue class indices into `labels`.
 * @param yPred predicted class indices.
 * @param labels the class labels, printed as row names.
 * @param digits decimals of the scores. Default 2.
 * See https://scikit-learn.org/stable/modules/generated/sklearn.metrics.classification_report.html
 */
export function classificationReport(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels: Label[], digits = 2): string {
  const k = labels.length;
  const cm = confusionMatrix(yTrue, yPred, k);
  const s = perClassScores(cm);
  const names = labels.map(String);
  const width = Math.max(...names.map(textLength), "weighted avg".length, digits);
  const num = (v: number): string => pad(formatFixed(v, digits), 9);
  const line = (name: string, p: number, r: number, f: number, support: number): string => `${pad(name, width)}  ${num(p)} ${num(r)} ${num(f)} ${pad(String(support), 9)}\n`;

  let report = `${pad("", width)} ${["precision", "recall", "f1-score", "support"].map((h) => ` ${pad(h, 9)}`).join("")}\n\n`;
  names.forEach((name, c) => (report += line(name, s.precision[c]!, s.recall[c]!, s.f1[c]!, s.support[c]!)));
  report += "\n";
  const total = s.support.reduce((a, b) => a + b, 0);
  const correct = cm.reduce((a, row, c) => a + row[c]!, 0);
  report += `${pad("accuracy", width)}  ${pad("", 9)} ${pad("", 9)} ${num(total ? correct / total : 0)} ${pad(String(total), 9)}\n`;
  const mean = (v: number[], w?: number[]): number => {
    const weights = w ?? v.map(() => 1);
    const sum = weights.reduce((a, b) => a + b, 0);
    return sum > 0 ? v.reduce((a, x, i) => a + x * weights[i]!, 0) / sum : 0;
  };
  report += line("macro avg", mean(s.precision), mean(s.recall), mean(s.f1), total);
  report += line("weighted avg", mean(s.precision, s.support), mean(s.recall, s.support), mean(s.f1, s.support), total);
  return report;
}

function textLength(s: string): number {
  return [...s].length;
}

function pad(s: string, width: number): string {
  const n = textLength(s);
  return n >= width ? s : " ".repeat(width - n) + s;
}

/**
 * `x` with `digits` decimals, rounded as Python's `format(x, ".{digits}f")`: to the nearest, and
 * exact ties (such as 0.125) to the even digit, where `toFixed` would round them up.
 */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return x.toFixed(digits);
  const exact = Math.abs(x).toFixed(100);
  const point = exact.indexOf(".");
  const tail = exact.slice(point + 1 + digits);
  if (/^50*$/.test(tail)) {
    const kept = exact.slice(0, digits > 0 ? point + 1 + digits : point);
    const lastDigit = kept.charCodeAt(kept.length - 1) - 48;
    if (lastDigit % 2 === 0) return (x < 0 ? "-" : "") + kept;
  }
  return x.toFixed(digits);
}
