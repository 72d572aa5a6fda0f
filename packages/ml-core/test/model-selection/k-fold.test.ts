import { kFold, stratifiedKFold } from "../../src/model-selection";

describe("kFold", () => {
  it("splits like scikit-learn's KFold without shuffling", () => {
    const folds = kFold(10, 3);
    expect(folds.map((f) => Array.from(f.test))).toEqual([[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    expect(Array.from(folds[1]!.train)).toEqual([0, 1, 2, 3, 7, 8, 9]);
  });

  it("shuffles reproducibly and still covers every row exactly once", () => {
    const a = kFold(50, 5, { shuffle: true, randomState: 3 });
    expect(kFold(50, 5, { shuffle: true, randomState: 3 })).toEqual(a);
    expect(a[0]!.test).not.toEqual(kFold(50, 5).at(0)!.test);
    const all = a.flatMap((f) => Array.from(f.test)).sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (const f of a) expect(f.train.length + f.test.length).toBe(50);
  });

  it("refuses k < 2 and k > n", () => {
    expect(() => kFold(10, 1)).toThrow(expect.objectContaining({ code: "INVALID_HYPERPARAMETER" }));
    expect(() => kFold(3, 5)).toThrow(expect.objectContaining({ code: "TOO_FEW_ROWS" }));
  });
});

describe("stratifiedKFold", () => {
  it("matches scikit-learn's StratifiedKFold test folds without shuffling", () => {
    // sklearn: StratifiedKFold(3).split(X, [0,0,0,0,0,0,1,1,1,2,2,2]) test folds
    const y = [0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
    expect(stratifiedKFold(y, 3).map((f) => Array.from(f.test))).toEqual([[0, 1, 6, 9], [2, 3, 7, 10], [4, 5, 8, 11]]);
  });

  it("keeps class proportions in every fold and is reproducible when shuffled", () => {
    const y = Array.from({ length: 300 }, (_, i) => (i % 10 < 7 ? 1 : i % 10 < 9 ? 0 : 2));
    const folds = stratifiedKFold(y, 5, { shuffle: true, randomState: 11 });
    expect(stratifiedKFold(y, 5, { shuffle: true, randomState: 11 })).toEqual(folds);
    for (const f of folds) {
      const c = [0, 1, 2].map((k) => Array.from(f.test).filter((i) => y[i] === k).length);
      expect(c).toEqual([12, 42, 6]);
    }
    const all = folds.flatMap((f) => Array.from(f.test)).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  it("refuses more folds than members of every class", () => {
    expect(() => stratifiedKFold([0, 0, 1, 1], 3)).toThrow(expect.objectContaining({ code: "TOO_FEW_ROWS" }));
  });
});
