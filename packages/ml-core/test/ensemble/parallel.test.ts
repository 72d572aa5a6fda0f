import { Rng } from "../../src/core/rng";
import { binData } from "../../src/tree/binner";
import { growForest } from "../../src/ensemble/parallel";
import type { ForestJob } from "../../src/ensemble/forest-tree";
import { loadNumeric } from "./datasets";

describe("growForest", () => {
  it("grows the same trees inline and on 2 worker threads, and lets the process exit", async () => {
    const { X, y } = loadNumeric("breast_cancer.csv", "classification");
    const job: ForestJob = {
      data: binData(X, 255, undefined, true),
      y,
      nClasses: 2,
      criterion: "gini",
      classWeight: null,
      balancedSubsample: false,
      bootstrap: true,
      grow: { maxDepth: Infinity, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: 5, maxLeafNodes: 0, minHessianLeaf: 0 },
    };
    const master = new Rng(3);
    const seeds = Array.from({ length: 12 }, () => master.seed());
    const inline = await growForest(job, seeds, 1);
    // the main thread and one worker, then two workers alone (the main thread may finish before a worker starts)
    for (const useMain of [true, false]) {
      let reported = 0;
      const threaded = await growForest(job, seeds, 2, () => reported++, 0, useMain);
      expect(reported).toBe(12);
      expect(threaded.length).toBe(12);
      threaded.forEach((t, i) => {
        expect(Array.from(t.feature)).toEqual(Array.from(inline[i]!.feature));
        expect(Array.from(t.threshold)).toEqual(Array.from(inline[i]!.threshold));
        expect(Array.from(t.value)).toEqual(Array.from(inline[i]!.value));
      });
    }
  });
});
