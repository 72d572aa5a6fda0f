import { DataError, InvalidHyperparameterError } from "../core/errors";
import { NumpyRandomState } from "./numpy-random-state";
import { groupByClass } from "./train-test-split";

/** Options of `kFold` and `stratifiedKFold`. */
export interface KFoldOptions {
  /** Shuffle before splitting into folds. Default false. */
  shuffle?: boolean;
  /** Seed of the shuffle. Default 0. */
  randomState?: number;
}

/** One fold: training and test row indices. */
export interface Fold {
  train: Int32Array;
  test: Int32Array;
}

/**
 * K-fold cross-validation folds of rows 0..n-1, as scikit-learn's `KFold`: the first `n % k`
 * folds get one extra row; training indices are ascending.
 * See https://scikit-learn.org/stable/modules/generated/sklearn.model_selection.KFold.html
 */
export function kFold(n: number, k: number, options: KFoldOptions = {}): Fold[] {
  checkK(k, n);
  let indices: Int32Array = Int32Array.from({ length: n }, (_, i) => i);
  if (options.shuffle) indices = new NumpyRandomState(options.randomState ?? 0).permutation(n);
  const testFold = new Int32Array(n);
  const folds: Fold[] = [];
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    const test = indices.slice(start, start + size).sort();
    test.forEach((i) => (testFold[i] = f));
    folds.push({ train: new Int32Array(0), test });
    start += size;
  }
  return folds.map((fold, f) => ({ train: rowsWhere(testFold, (t) => t !== f), test: fold.test }));
}

/**
 * Stratified k-fold folds of class indices `y`, as scikit-learn's `StratifiedKFold` (since 0.22):
 * each class is dealt round-robin over the folds so that every fold keeps the class proportions.
 * Train and test indices are ascending.
 * See https://scikit-learn.org/stable/modules/generated/sklearn.model_selection.StratifiedKFold.html
 * @throws DataError `TOO_FEW_ROWS` when `k` exceeds the size of every class.
 */
export function stratifiedKFold(y: ArrayLike<number>, k: number, options: KFoldOptions = {}): Fold[] {
  const n = y.length;
  checkK(k, n);
  const classes = groupByClass(y).sort((p, q) => p[0]! - q[0]!); // order of first appearance, as sklearn
  const counts = classes.map((rows) => rows.length);
  if (counts.every((c) => k > c)) {
    throw new DataError("TOO_FEW_ROWS", `${k} folds cannot be more than the number of rows in each class (largest class: ${Math.max(...counts)}).`, { k, counts });
  }
  const encoded = new Int32Array(n);
  classes.forEach((rows, c) => rows.forEach((i) => (encoded[i] = c)));
  const order = Int32Array.from(encoded).sort();
  const rng = options.shuffle ? new NumpyRandomState(options.randomState ?? 0) : undefined;
  const testFold = new Int32Array(n);
  classes.forEach((rows, c) => {
    const foldsForClass: number[] = [];
    for (let f = 0; f < k; f++) {
      let count = 0;
      for (let i = f; i < n; i += k) if (order[i] === c) count++;
      for (let j = 0; j < count; j++) foldsForClass.push(f);
    }
    rng?.shuffle(foldsForClass);
    rows.forEach((i, j) => (testFold[i] = foldsForClass[j]!));
  });
  return Array.from({ length: k }, (_, f) => ({ train: rowsWhere(testFold, (t) => t !== f), test: rowsWhere(testFold, (t) => t === f) }));
}

function checkK(k: number, n: number): void {
  if (!Number.isInteger(k) || k < 2) throw new InvalidHyperparameterError(`\`n_splits\` must be an integer of at least 2, but got ${k}.`);
  if (k > n) throw new DataError("TOO_FEW_ROWS", `Cannot make ${k} folds out of ${n} rows.`, { k, n });
}

function rowsWhere(fold: Int32Array, keep: (f: number) => boolean): Int32Array {
  const out: number[] = [];
  fold.forEach((f, i) => keep(f) && out.push(i));
  return Int32Array.from(out);
}
