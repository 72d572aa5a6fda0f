/**
 * The confusion matrix of class indices: entry [i][j] counts rows of true class i predicted as j
 * (scikit-learn's `confusion_matrix` with `labels = 0..nClasses-1`).
 */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): number[][] {
  if (yTrue.length !== yPred.length) throw new RangeError(`yTrue has ${yTrue.length} values but yPred has ${yPred.length}.`);
  const m = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!;
    const p = yPred[i]!;
    if (!(t >= 0 && t < nClasses && p >= 0 && p < nClasses && Number.isInteger(t) && Number.isInteger(p))) {
      throw new RangeError(`row ${i} holds class ${t} (true) / ${p} (predicted), outside 0..${nClasses - 1}.`);
    }
    m[t]![p]!++;
  }
  return m;
}

/** Per-class precision, recall, F1 and support from a confusion matrix; 0 where undefined (zero_division=0). */
export function perClassScores(cm: number[][]): { precision: number[]; recall: number[]; f1: number[]; support: number[]; predicted: number[] } {
  const k = cm.length;
  const support = cm.map((row) => row.reduce((s, v) => s + v, 0));
  const predicted = Array.from({ length: k }, (_, j) => cm.reduce((s, row) => s + row[j]!, 0));
  const precision = cm.map((row, c) => (predicted[c]! > 0 ? row[c]! / predicted[c]! : 0));
  const recall = cm.map((row, c) => (support[c]! > 0 ? row[c]! / support[c]! : 0));
  const f1 = precision.map((p, c) => {
    const r = recall[c]!;
    return p + r > 0 ? (2 * p * r) / (p + r) : 0;
  });
  return { precision, recall, f1, support, predicted };
}
