import { trainTestSplit } from "../../src/model-selection";
import { HistGradientBoostingClassifier, shouldStop, validationSplit } from "../../src/ensemble/hist-gradient-boosting";
import { Rng } from "../../src/core/rng";
import { BIN_SUBSAMPLE } from "../../src/tree/binner";
import { Table } from "../../src/data/table";
import { Pipeline } from "../../src/preprocess";
import { accuracy, loadNumeric } from "./datasets";
import { TreeEnsemble } from "../../src/tree/flat-tree";
import { runStages } from "../staged";

describe("HistGradientBoostingClassifier", () => {
  it("learns where missing values go: NaN itself carries the class", async () => {
    const rng = new Rng(3);
    const n = 400;
    const data = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 2;
      data[2 * i] = y[i] === 1 ? NaN : rng.next();
      data[2 * i + 1] = rng.next();
    }
    const m = await new HistGradientBoostingClassifier({ max_iter: 10, random_state: 0 }).fit({ data, rows: n, cols: 2 }, y);
    expect(accuracy(m.predict({ data, rows: n, cols: 2 }), y)).toBe(1);
  });

  it("respects max_leaf_nodes (best-first growth)", async () => {
    const { X, y } = loadNumeric("breast_cancer.csv", "classification");
    const m = await new HistGradientBoostingClassifier({ max_iter: 3, max_leaf_nodes: 4, min_samples_leaf: 1, random_state: 0 }).fit(X, y);
    // 4 leaves = 7 nodes per tree
    expect(m.trees_!.feature.length).toBe(21);
  });

  it("stops early once the validation loss stops improving", async () => {
    const rng = new Rng(5);
    const n = 600;
    const data = Float64Array.from({ length: n * 3 }, () => rng.next());
    const y = Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0)); // pure noise
    const m = await new HistGradientBoostingClassifier({ max_iter: 200, early_stopping: true, random_state: 0 }).fit({ data, rows: n, cols: 3 }, y);
    expect(m.nIter_).toBeLessThan(200);
  });
});

describe("shouldStop", () => {
  it("stops only when none of the last n losses beat the reference by tol", () => {
    expect(shouldStop([1, 0.9, 0.8], 2, 0)).toBe(false);
    expect(shouldStop([1, 0.9, 0.95, 0.91], 2, 0)).toBe(true);
    expect(shouldStop([1, 0.9], 2, 0)).toBe(false);
  });
});

describe("validationSplit", () => {
  it("holds out the fraction of every class when stratified, and partitions the rows", () => {
    const y = Float64Array.from({ length: 1000 }, (_, i) => (i < 50 ? 1 : 0));
    const { train, validation } = validationSplit(y, 0.2, true, 1);
    expect(train.length + validation.length).toBe(1000);
    expect(new Set([...train, ...validation]).size).toBe(1000);
    expect(validation.filter((i) => y[i] === 1).length).toBe(10);
  });

  it("is scikit-learn's split for the same random_state (seed drawn as randint(2**32 - 1), then train_test_split)", () => {
    // np.random.RandomState(0).randint(np.iinfo(np.uint32).max, dtype="u8") == 2357136044
    const y = Float64Array.from({ length: 40 }, (_, i) => i % 3);
    const ours = validationSplit(y, 0.2, true, 0);
    const direct = trainTestSplit(40, { testSize: 0.2, randomState: 2357136044, stratify: y });
    expect(Array.from(ours.validation)).toEqual(Array.from(direct.test).sort((a, b) => a - b));
  });

  it("falls back to an unstratified split when a class has a single row", () => {
    const y = Float64Array.from({ length: 100 }, (_, i) => (i === 7 ? 2 : i % 2));
    const { train, validation } = validationSplit(y, 0.1, true, 3);
    expect(validation.length).toBe(10);
    expect(train.length).toBe(90);
  });
});

describe("HistGradientBoosting fitted in stages (fitStages)", () => {
  it("pauses every 10 rounds with the model of the rounds so far, and ends with fit's model to the bit", async () => {
    const { X, y } = loadNumeric("breast_cancer.csv", "classification");
    const params = { max_iter: 35, learning_rate: 0.2, random_state: 0 };
    const staged = new HistGradientBoostingClassifier(params);
    const stages = staged.fitStages(X, y, 10);
    const rounds: number[] = [];
    for (let r = await stages.next(); ; r = await stages.next()) {
      if (r.done) break;
      rounds.push(r.value);
      // after k rounds, the model is the one max_iter = k fits
      const short = await new HistGradientBoostingClassifier({ ...params, max_iter: r.value }).fit(X, y);
      expect(Array.from(staged.predictProba(X).data)).toEqual(Array.from(short.predictProba(X).data));
    }
    expect(rounds).toEqual([10, 20, 30]);
    const full = await new HistGradientBoostingClassifier(params).fit(X, y);
    expect(staged.nIter_).toBe(35);
    expect(Array.from(staged.predictProba(X).data)).toEqual(Array.from(full.predictProba(X).data));
  });

  it("sums each tree once over a scored matrix, the end included, and a later fit starts afresh", async () => {
    const { X, y } = loadNumeric("breast_cancer.csv", "classification");
    const m = new HistGradientBoostingClassifier({ max_iter: 35, random_state: 0 });
    // the trees summed over X: every call adds trees from..to-1 (to all rows, 569 of them, one block)
    const addTrees = jest.spyOn(TreeEnsemble.prototype, "addTrees");
    try {
      const run = await runStages(m, X, y, 10, (e) => e.predictProba(X).data);
      m.predictProba(X);
      expect(run.units).toEqual([10, 20, 30]);
      expect(addTrees.mock.calls.reduce((trees, [from, to]) => trees + to - from, 0)).toBe(35);
    } finally {
      addTrees.mockRestore();
    }
    const flipped = y.map((v) => 1 - v);
    await m.fit(X, flipped);
    const fresh = await new HistGradientBoostingClassifier({ max_iter: 35, random_state: 0 }).fit(X, flipped);
    expect(Array.from(m.predictProba(X).data)).toEqual(Array.from(fresh.predictProba(X).data));
  });

  it("stops early when asked to (return), keeping the model of the stages run", async () => {
    const { X, y } = loadNumeric("breast_cancer.csv", "classification");
    const m = new HistGradientBoostingClassifier({ max_iter: 100, random_state: 0 });
    const stages = m.fitStages(X, y, 10);
    await stages.next();
    await stages.next();
    expect((await stages.return(m)).done).toBe(true);
    expect(m.nIter_).toBe(20);
  });
});

describe("HistGradientBoosting fitted from columns (fitColumns)", () => {
  it("fits a table with categorical columns, past the bin subsample, to the model fit gives on its encoded matrix, to the bit", async () => {
    const rng = new Rng(11);
    const n = Math.ceil(BIN_SUBSAMPLE / 0.9) + 5000; // more training rows than the subsample after the early-stopping split
    const x = new Float64Array(n);
    const city = new Int32Array(n);
    const member = new Int32Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = rng.next() < 0.05 ? NaN : rng.normal();
      city[i] = rng.next() < 0.03 ? -1 : rng.int(4);
      member[i] = rng.int(2);
      y[i] = x[i]! + (city[i] === 2 ? 1 : 0) - member[i]! + rng.normal() > 0 ? 1 : 0;
    }
    const table = new Table(n, [
      { kind: "numeric", name: "x", values: x },
      { kind: "categorical", name: "city", codes: city, categories: ["Lima", "Oslo", "Paris", "Rome"], booleanLike: false },
      { kind: "categorical", name: "member", codes: member, categories: ["no", "yes"], booleanLike: true },
      { kind: "numeric", name: "y", values: y },
    ]);
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const pipeline = Pipeline.fit(table, rows, { target: "y", scale: false });
    const params = { max_iter: 3, random_state: 0 };
    const fromMatrix = await new HistGradientBoostingClassifier(params).fit(pipeline.transform(table, rows), y);
    const fromColumns = await new HistGradientBoostingClassifier(params).fitColumns(pipeline.columns(table, rows), y);
    const probe = pipeline.transform(table, rows.subarray(0, 5000));
    expect(Buffer.from(fromColumns.predictProba(probe).data.buffer).equals(Buffer.from(fromMatrix.predictProba(probe).data.buffer))).toBe(true);
    expect(fromColumns.trees_!.toState()).toEqual(fromMatrix.trees_!.toState());
  });
});
