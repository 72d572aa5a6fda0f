import { DataError, InvalidHyperparameterError } from "../core/errors";
import { NumpyRandomState } from "./numpy-random-state";

/** Options of `trainTestSplit`. */
export interface TrainTestSplitOptions {
  /** Fraction of rows in (0, 1) for the test set, or an absolute count >= 1. */
  testSize: number;
  /** Seed: the same seed gives the same indices. */
  randomState: number;
  /** Class index per row: keep class proportions in both parts (like `StratifiedShuffleSplit`). */
  stratify?: ArrayLike<number>;
}

/**
 * Splits row indices 0..n-1 into a shuffled training part and a test part of
 * `ceil(testSize * n)` rows, with scikit-learn's `train_test_split` semantics.
 * See https://scikit-learn.org/stable/modules/generated/sklearn.model_selection.train_test_split.html
 * @throws InvalidHyperparameterError for a bad `testSize`; DataError `TOO_FEW_ROWS`,
 *   `CLASS_TOO_SMALL` when the data cannot be split as asked.
 */
export function trainTestSplit(n: number, options: TrainTestSplitOptions): { train: Int32Array; test: Int32Array } {
  const { testSize, randomState, stratify } = options;
  let nTest: number;
  if (testSize > 0 && testSize < 1) nTest = Math.ceil(testSize * n);
  else if (Number.isInteger(testSize) && testSize >= 1) nTest = testSize;
  else throw new InvalidHyperparameterError(`\`test_size\` must be a fraction in (0, 1) or a count of at least 1, but got ${testSize}.`);
  const nTrain = n - nTest;
  if (nTrain < 1 || nTest < 1) {
    throw new DataError("TOO_FEW_ROWS", `Cannot split ${n} rows into a test part of ${nTest} and a non-empty training part.`, { n, nTest });
  }
  const rng = new NumpyRandomState(randomState);
  if (!stratify) {
    const perm = rng.permutation(n);
    return { train: perm.slice(nTest), test: perm.slice(0, nTest) };
  }
  if (stratify.length !== n) throw new RangeError(`stratify has ${stratify.length} values, but n is ${n}.`);
  return stratifiedSplit(stratify, nTrain, nTest, rng);
}

function stratifiedSplit(y: ArrayLike<number>, nTrain: number, nTest: number, rng: NumpyRandomState): { train: Int32Array; test: Int32Array } {
  const byClass = groupByClass(y);
  const counts = byClass.map((rows) => rows.length);
  const smallest = Math.min(...counts);
  if (smallest < 2) {
    throw new DataError("CLASS_TOO_SMALL", "The least populated class has only 1 row; a stratified split needs at least 2 rows per class.", { counts });
  }
  if (nTrain < counts.length || nTest < counts.length) {
    throw new DataError("TOO_FEW_ROWS", `A stratified split of ${counts.length} classes needs at least ${counts.length} rows in each part, but got train ${nTrain} and test ${nTest}.`, { nTrain, nTest, nClasses: counts.length });
  }
  const trainCounts = approximateMode(counts, nTrain, rng);
  const testCounts = approximateMode(counts.map((c, i) => c - trainCounts[i]!), nTest, rng);
  const train = new Int32Array(nTrain);
  const test = new Int32Array(nTest);
  let a = 0;
  let b = 0;
  byClass.forEach((rows, k) => {
    const perm = rng.permutation(rows.length);
    for (let i = 0; i < trainCounts[k]!; i++) train[a++] = rows[perm[i]!]!;
    for (let i = trainCounts[k]!; i < trainCounts[k]! + testCounts[k]!; i++) test[b++] = rows[perm[i]!]!;
  });
  return { train: rng.shuffle(train), test: rng.shuffle(test) };
}

/** Row indices per class, classes in increasing order of their value. */
export function groupByClass(y: ArrayLike<number>): number[][] {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < y.length; i++) {
    const g = groups.get(y[i]!);
    if (g) g.push(i);
    else groups.set(y[i]!, [i]);
  }
  return [...groups.entries()].sort((p, q) => p[0] - q[0]).map(([, rows]) => rows);
}

/**
 * How many of `nDraws` to take from each class so that the split follows the class counts as
 * closely as possible, ties broken at random (scikit-learn's `_approximate_mode`).
 */
export function approximateMode(classCounts: readonly number[], nDraws: number, rng: NumpyRandomState): number[] {
  const total = classCounts.reduce((s, c) => s + c, 0);
  const continuous = classCounts.map((c) => (c / total) * nDraws);
  const floored = continuous.map(Math.floor);
  let needToAdd = nDraws - floored.reduce((s, c) => s + c, 0);
  if (needToAdd > 0) {
    const remainder = continuous.map((c, i) => c - floored[i]!);
    const values = [...new Set(remainder)].sort((p, q) => q - p);
    for (const value of values) {
      const inds = remainder.flatMap((r, i) => (r === value ? [i] : []));
      const addNow = Math.min(inds.length, needToAdd);
      rng.shuffle(inds);
      for (let i = 0; i < addNow; i++) floored[inds[i]!]!++;
      needToAdd -= addNow;
      if (needToAdd === 0) break;
    }
  }
  return floored;
}
