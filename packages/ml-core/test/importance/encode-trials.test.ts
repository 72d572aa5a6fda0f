import type { SearchSpace } from "../../src/core/search-space";
import { encodeTrials } from "../../src/importance/encode-trials";
import { studyImportance } from "../../src/importance/fanova";

const space: SearchSpace = {
  lr: { type: "float", low: 1e-4, high: 1, log: true },
  depth: { type: "int", low: 1, high: 9, step: 2 },
  kind: { type: "categorical", choices: ["a", null, "c"] },
  fixed: { type: "int", low: 3, high: 3 },
  l1: { type: "float", low: 0, high: 1, condition: { param: "kind", in: ["a"] } },
};

describe("encodeTrials", () => {
  it("encodes the shared parameters in name order: raw numbers in their range, categoricals one-hot", () => {
    const e = encodeTrials(space, [
      { params: { lr: 0.01, depth: 3, kind: null, fixed: 3 }, value: 1 },
      { params: { lr: 0.5, depth: 9, kind: "c", fixed: 3, l1: 0.2 }, value: 2 },
      { params: { lr: 0.1, depth: 1, kind: "a", fixed: 3 }, value: null },
    ]);
    expect(e.params).toEqual(["depth", "kind", "lr"]);
    expect(e.constant).toEqual(["fixed"]);
    expect(e.columns).toEqual([[0], [1, 2, 3], [4]]);
    expect(Array.from(e.bounds)).toEqual([1, 9, 0, 1, 0, 1, 0, 1, 1e-4, 1]);
    expect(Array.from(e.X.data)).toEqual([3, 0, 1, 0, 0.01, 9, 0, 0, 1, 0.5]);
    expect(Array.from(e.y)).toEqual([1, 2]);
  });

  it("leaves out trials whose values are off the space, and refuses fewer than two trials", () => {
    const trials = [
      { params: { lr: 0.01, depth: 3, kind: "a" }, value: 1 },
      { params: { lr: 5, depth: 3, kind: "a" }, value: 2 },
    ];
    expect(() => encodeTrials(space, trials)).toThrow(expect.objectContaining({ code: "NOT_ENOUGH_TRIALS", status: 422 }));
  });
});

describe("studyImportance", () => {
  const trials = Array.from({ length: 40 }, (_, i) => {
    const params = { lr: 1e-4 * 10 ** (((i * 7) % 40) / 10), depth: 1 + 2 * (i % 5), kind: ["a", null, "c"][i % 3], fixed: 3 };
    return { params, value: 10 * params.depth + (params.kind === "c" ? 1 : 0) };
  });

  it("ranks the parameter that drives the value first, sums to 1, and gives constants 0", async () => {
    const { importances, nTrials } = await studyImportance(space, trials);
    expect(nTrials).toBe(40);
    expect(importances[0]!.param).toBe("depth");
    expect(importances.find((p) => p.param === "fixed")!.importance).toBe(0);
    expect(importances.reduce((s, p) => s + p.importance, 0)).toBeCloseTo(1, 12);
  });

  it("is deterministic for a seed", async () => {
    expect(await studyImportance(space, trials, { seed: 3 })).toEqual(await studyImportance(space, trials, { seed: 3 }));
  });

  it("refuses a study whose values are all equal", async () => {
    await expect(studyImportance(space, trials.map((t) => ({ ...t, value: 1 })))).rejects.toMatchObject({ code: "NO_VARIANCE" });
  });
});
