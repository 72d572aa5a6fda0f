import { Rng } from "../../src/core/rng";
import { BIN_SUBSAMPLE, binData } from "../../src/tree/binner";
import { spawnSync } from "node:child_process";
import { binDataParallel, binOnce, growForest, shutdownTreeWorkers, treeWorkerCount, xgbBinDataParallel } from "../../src/ensemble/parallel";
import { xgbBinData } from "../../src/ensemble/xgb-cuts";
import type { ForestJob } from "../../src/ensemble/forest-tree";
import { loadNumeric } from "./datasets";

describe("growForest", () => {
  afterAll(() => shutdownTreeWorkers());

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
    // the pool threads are kept and reused: one started for useMain, a second for two workers alone
    expect(treeWorkerCount()).toBe(2);
    await growForest(job, seeds, 2, undefined, 0);
    expect(treeWorkerCount()).toBe(2);
    await shutdownTreeWorkers();
    expect(treeWorkerCount()).toBe(0);
  });

  it("does not keep the process alive once a threaded fit is done", () => {
    const script = `
      const { growForest } = require("./src/ensemble/parallel");
      const { binData } = require("./src/tree/binner");
      const X = { data: Float64Array.from({ length: 400 }, (_, i) => (i * 7919) % 101), rows: 200, cols: 2 };
      const y = Float64Array.from({ length: 200 }, (_, i) => i % 2);
      const grow = { maxDepth: 3, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: 1, maxLeafNodes: 0, minHessianLeaf: 0 };
      const job = { data: binData(X, 255, undefined, true), y, nClasses: 2, criterion: "gini", classWeight: null, balancedSubsample: false, bootstrap: true, grow };
      growForest(job, [1, 2, 3, 4], 2, undefined, 0, false).then((t) => console.log("trees", t.length));
    `;
    const r = spawnSync(process.execPath, ["--require", require.resolve("tsx/cjs"), "-e", script], { cwd: `${__dirname}/../..`, encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("trees 4");
    expect(r.status).toBe(0);
  });
});

describe("binDataParallel", () => {
  afterAll(() => shutdownTreeWorkers());

  it("bins with a pool thread to the same codes and edges as binData", async () => {
    const rng = new Rng(9);
    const rows = 40_000, cols = 30;
    const X = { data: new Float64Array(rows * cols), rows, cols };
    // continuous, few distinct values, and missing values
    for (let i = 0; i < X.data.length; i++) X.data[i] = i % cols < 10 ? rng.normal() : i % cols < 20 ? Math.floor(rng.next() * 7) : rng.next() < 0.1 ? NaN : rng.next() ** 3;
    // a warm pool thread, so that it takes features before the caller has binned them all
    const job: ForestJob = { data: binData(X, 255, undefined, true), y: new Float64Array(rows), nClasses: 0, criterion: "squared_error", classWeight: null, balancedSubsample: false, bootstrap: true, grow: { maxDepth: 1, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: 30, maxLeafNodes: 0, minHessianLeaf: 0 } };
    await growForest(job, [1, 2], 2, undefined, 0, false);
    const serial = binData(X, 255, new Rng(1));
    for (let rep = 0; rep < 3; rep++) {
      const parallel = binDataParallel(X, 255, new Rng(1), false, 1);
      expect(parallel.codes.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Buffer.from(parallel.codes).equals(Buffer.from(serial.codes))).toBe(true);
      expect(Array.from(parallel.edges)).toEqual(Array.from(serial.edges));
      expect(Array.from(parallel.nBins)).toEqual(Array.from(serial.nBins));
    }
  });
});

describe("xgbBinDataParallel", () => {
  afterAll(() => shutdownTreeWorkers());

  it("bins with a pool thread to the same codes and edges as xgbBinData", async () => {
    const rng = new Rng(11);
    const rows = 40_000, cols = 30;
    const X = { data: new Float64Array(rows * cols), rows, cols };
    // continuous, few distinct values, and missing values
    for (let i = 0; i < X.data.length; i++) X.data[i] = i % cols < 10 ? rng.normal() : i % cols < 20 ? Math.floor(rng.next() * 7) : rng.next() < 0.1 ? NaN : rng.next() ** 3;
    // a warm pool thread, so that it takes features before the caller has binned them all
    const job: ForestJob = { data: binData(X, 255, undefined, true), y: new Float64Array(rows), nClasses: 0, criterion: "squared_error", classWeight: null, balancedSubsample: false, bootstrap: true, grow: { maxDepth: 1, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: 30, maxLeafNodes: 0, minHessianLeaf: 0 } };
    await growForest(job, [1, 2], 2, undefined, 0, false);
    for (const maxBin of [256, 16]) {
      const serial = xgbBinData(X, maxBin);
      const parallel = xgbBinDataParallel(X, maxBin, 1);
      expect(parallel.codes.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Buffer.from(parallel.codes).equals(Buffer.from(serial.codes))).toBe(true);
      expect(Array.from(parallel.edges)).toEqual(Array.from(serial.edges));
      expect(Array.from(parallel.nBins)).toEqual(Array.from(serial.nBins));
      expect(Array.from(parallel.edgeOffset)).toEqual(Array.from(serial.edgeOffset));
    }
  });
});

describe("binOnce", () => {
  const sample = (rows: number, seed: number) => {
    const rng = new Rng(seed);
    return { data: Float64Array.from({ length: rows * 3 }, () => rng.normal()), rows, cols: 3 };
  };

  it("keeps each binning of a matrix declared unchanging, and of no other", () => {
    const X = sample(500, 1);
    const other = { ...X };
    binOnce(X);
    const hist = binDataParallel(X, 255, new Rng(1));
    expect(binDataParallel(X, 255, new Rng(2))).toBe(hist);
    expect(binDataParallel(X, 16, new Rng(1))).not.toBe(hist);
    expect(binDataParallel(X, 255, new Rng(1), true)).not.toBe(hist);
    const xgb = xgbBinDataParallel(X, 256, 0);
    expect(xgbBinDataParallel(X, 256, 0)).toBe(xgb);
    // the same values in another matrix object: binned anew, to the same codes
    const fresh = binDataParallel(other, 255, new Rng(1));
    expect(fresh).not.toBe(hist);
    expect(Buffer.from(fresh.codes).equals(Buffer.from(hist.codes))).toBe(true);
  });

  it("does not keep a binning whose edges come from a random subsample (over BIN_SUBSAMPLE rows)", () => {
    const X = sample(BIN_SUBSAMPLE + 1, 2);
    binOnce(X);
    expect(binDataParallel(X, 255, new Rng(1))).not.toBe(binDataParallel(X, 255, new Rng(1)));
  });
});
