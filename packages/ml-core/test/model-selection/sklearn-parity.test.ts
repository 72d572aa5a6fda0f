import cases from "../fixtures/splits-sklearn.json";
import { kFold, NumpyRandomState, stratifiedKFold, trainTestSplit } from "../../src/model-selection";

// Indices scikit-learn 1.2.1 gives (scripts/make-split-fixture.py): ours must be the same.
const list = (a: ArrayLike<number>) => Array.from(a);

describe("splits identical to scikit-learn's for the same random_state", () => {
  it.each(cases.map((c: any) => [c.kind, c.seed, c] as const))("%s, seed %s", (_kind, _seed, c: any) => {
    switch (c.kind) {
      case "permutation":
        expect(list(new NumpyRandomState(c.seed).permutation(c.n))).toEqual(c.expected);
        break;
      case "stratified": {
        const s = trainTestSplit(c.y.length, { testSize: c.test_size, randomState: c.seed, stratify: c.y });
        expect([list(s.train), list(s.test)]).toEqual([c.train, c.test]);
        break;
      }
      case "plain": {
        const s = trainTestSplit(c.n, { testSize: c.test_size, randomState: c.seed });
        expect([list(s.train), list(s.test)]).toEqual([c.train, c.test]);
        break;
      }
      case "kfold":
        expect(kFold(c.n, c.k, { shuffle: true, randomState: c.seed }).map((f) => [list(f.train), list(f.test)])).toEqual(c.folds);
        break;
      case "stratified_kfold":
        expect(stratifiedKFold(c.y, c.k, { shuffle: true, randomState: c.seed }).map((f) => [list(f.train), list(f.test)])).toEqual(c.folds);
        break;
      default:
        throw new Error(`unknown case ${c.kind}`);
    }
  });
});
