import { trainTestSplit } from "../../src/model-selection";

function counts(y: ArrayLike<number>, idx: ArrayLike<number>): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < idx.length; i++) m.set(y[idx[i]!]!, (m.get(y[idx[i]!]!) ?? 0) + 1);
  return m;
}

describe("trainTestSplit", () => {
  it("makes a test part of ceil(testSize * n) rows and covers every row once", () => {
    const { train, test } = trainTestSplit(101, { testSize: 0.2, randomState: 1 });
    expect(test.length).toBe(21);
    expect(train.length).toBe(80);
    expect([...train, ...test].sort((a, b) => a - b)).toEqual(Array.from({ length: 101 }, (_, i) => i));
  });

  it("gives identical indices for the same seed and different ones for another seed", () => {
    const a = trainTestSplit(500, { testSize: 0.25, randomState: 42 });
    const b = trainTestSplit(500, { testSize: 0.25, randomState: 42 });
    const c = trainTestSplit(500, { testSize: 0.25, randomState: 43 });
    expect(b).toEqual(a);
    expect(c.test).not.toEqual(a.test);
  });

  it("keeps class proportions when stratified, like StratifiedShuffleSplit", () => {
    const y = Array.from({ length: 1000 }, (_, i) => (i < 700 ? 0 : i < 950 ? 1 : 2));
    for (const seed of [0, 1, 2]) {
      const { train, test } = trainTestSplit(y.length, { testSize: 0.2, randomState: seed, stratify: y });
      expect(test.length).toBe(200);
      const t = counts(y, test);
      expect([t.get(0), t.get(1), t.get(2)]).toEqual([140, 50, 10]);
      const r = counts(y, train);
      expect([r.get(0), r.get(1), r.get(2)]).toEqual([560, 200, 40]);
    }
  });

  it("gives every class of an imbalanced target a test row when it has at least 2", () => {
    const y = [...Array(95).fill(0), 1, 1, 2, 2, 2];
    const { train, test } = trainTestSplit(y.length, { testSize: 0.1, randomState: 7, stratify: y });
    expect(new Set(Array.from(train, (i) => y[i])).size).toBe(3);
    expect(test.length).toBe(10);
    expect(counts(y, test).get(0)).toBeGreaterThanOrEqual(8);
  });

  it("refuses impossible splits", () => {
    expect(() => trainTestSplit(10, { testSize: 1.5, randomState: 0 })).toThrow(expect.objectContaining({ code: "INVALID_HYPERPARAMETER" }));
    expect(() => trainTestSplit(1, { testSize: 0.5, randomState: 0 })).toThrow(expect.objectContaining({ code: "TOO_FEW_ROWS" }));
    expect(() => trainTestSplit(4, { testSize: 0.5, randomState: 0, stratify: [0, 0, 0, 1] })).toThrow(expect.objectContaining({ code: "CLASS_TOO_SMALL" }));
  });
});
