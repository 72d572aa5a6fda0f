import { RandomForestClassifier, RandomForestRegressor } from "../../src/ensemble/random-forest";
import { loadNumeric, split } from "./datasets";
import { runStages } from "../staged";

describe("RandomForestClassifier", () => {
  it("gives the same forest whatever n_jobs is (threads themselves: parallel.test.ts)", async () => {
    const { X, y } = loadNumeric("breast_cancer.csv", "classification");
    const a = await new RandomForestClassifier({ n_estimators: 40, random_state: 11, n_jobs: 1 }).fit(X, y);
    const b = await new RandomForestClassifier({ n_estimators: 40, random_state: 11, n_jobs: 2 }).fit(X, y);
    expect(Array.from(b.predictProba(X).data)).toEqual(Array.from(a.predictProba(X).data));
    expect(Array.from(b.featureImportances()!)).toEqual(Array.from(a.featureImportances()!));
  });

  it("gives probabilities that sum to one per row", async () => {
    const { X, y } = loadNumeric("iris.csv", "classification");
    const p = (await new RandomForestClassifier({ n_estimators: 20, random_state: 0 }).fit(X, y)).predictProba(X);
    expect(p.cols).toBe(3);
    for (let i = 0; i < p.rows; i++) expect(p.data[i * 3]! + p.data[i * 3 + 1]! + p.data[i * 3 + 2]!).toBeCloseTo(1, 12);
  });

  it("different seeds give different forests", async () => {
    const { X, y } = loadNumeric("breast_cancer.csv", "classification");
    const a = await new RandomForestClassifier({ n_estimators: 5, random_state: 1 }).fit(X, y);
    const b = await new RandomForestClassifier({ n_estimators: 5, random_state: 2 }).fit(X, y);
    expect(Array.from(a.predictProba(X).data)).not.toEqual(Array.from(b.predictProba(X).data));
  });

  it("balanced class weights raise recall of a rare class", async () => {
    const { X, y } = loadNumeric("breast_cancer.csv", "classification");
    // keep only a few malignant (0) rows so class 0 is rare
    const keep: number[] = [];
    let rare = 0;
    for (let i = 0; i < X.rows; i++) if (y[i] === 1 || (rare++ < 25)) keep.push(i);
    const Xr = { data: new Float64Array(keep.flatMap((i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)))), rows: keep.length, cols: X.cols };
    const yr = Float64Array.from(keep, (i) => y[i]!);
    const recall = async (cw: "balanced" | null) => {
      const m = await new RandomForestClassifier({ n_estimators: 30, max_depth: 2, random_state: 0, class_weight: cw }).fit(Xr, yr);
      const proba = m.predictProba(X);
      let s = 0;
      for (let i = 0; i < X.rows; i++) if (y[i] === 0) s += proba.data[i * 2]!;
      return s;
    };
    expect(await recall("balanced")).toBeGreaterThan(await recall(null));
  });

  it("respects max_depth", async () => {
    const { X, y } = loadNumeric("breast_cancer.csv", "classification");
    const m = await new RandomForestClassifier({ n_estimators: 3, max_depth: 1, random_state: 0 }).fit(X, y);
    // a depth-1 tree has 3 nodes
    expect(m.trees_!.feature.length).toBe(9);
  });

  it("rejects max_features above 1 that is not an integer", () => {
    expect(() => RandomForestClassifier.paramSchema.parse({ max_features: 2.5 })).toThrow(/max_features/);
  });
});

describe("RandomForestRegressor", () => {
  it("points its importances at bmi / s5, the known strong features of diabetes (scores: sklearn-trees.test.ts)", async () => {
    const { X, y } = loadNumeric("diabetes.csv", "regression");
    const s = split(X, y, 0.25, 42);
    const m = await new RandomForestRegressor({ n_estimators: 50, random_state: 0, n_jobs: 1 }).fit(s.Xtr, s.ytr);
    const imp = m.featureImportances()!;
    const top = Array.from(imp).indexOf(Math.max(...imp));
    expect([2, 8]).toContain(top);
  });

  it("fits a noiseless step function exactly without bootstrap", async () => {
    const X = { data: Float64Array.from({ length: 200 }, (_, i) => i), rows: 200, cols: 1 };
    const y = Float64Array.from({ length: 200 }, (_, i) => (i < 77 ? 1 : 5));
    const m = await new RandomForestRegressor({ n_estimators: 3, bootstrap: false, random_state: 0 }).fit(X, y);
    expect(Array.from(m.predict(X))).toEqual(Array.from(y));
  });
});

describe("random forests fitted in stages (fitStages)", () => {
  it.each([
    ["classifier, one thread", { n_estimators: 35, max_depth: 6, random_state: 5, n_jobs: 1 }],
    ["classifier, two threads, balanced_subsample", { n_estimators: 35, max_depth: 6, class_weight: "balanced_subsample", random_state: 5, n_jobs: 2 }],
  ] as const)("%s: pauses every 10 trees with the first trees of fit's forest, ends with fit's forest to the bit", async (_, params) => {
    const { X, y } = loadNumeric("breast_cancer.csv", "classification");
    const proba = (m: RandomForestClassifier) => m.predictProba(X).data;
    const firstTrees: number[][] = [];
    const staged = new RandomForestClassifier(params);
    const run = await runStages(staged, X, y, 10, (m) => (firstTrees.push(Array.from(m.trees_!.feature)), proba(m)));
    expect(run.units).toEqual([10, 20, 30]);
    const full = await new RandomForestClassifier(params).fit(X, y);
    expect(run.model.toState()).toEqual(full.toState());
    expect(Array.from(proba(run.model))).toEqual(Array.from(proba(full)));
    // after k trees, the forest is fit's first k trees
    run.units.forEach((k, i) => expect(firstTrees[i]).toEqual(Array.from(full.trees_!.feature.subarray(0, full.trees_!.offset[k]))));
    expect(run.outputs[0]).not.toEqual(Array.from(proba(full)));
    for (const out of run.outputs) for (let r = 0; r < X.rows; r++) expect(out[2 * r]! + out[2 * r + 1]!).toBeCloseTo(1, 12);
  });

  it("regressor: the same, its mean prediction over the trees so far", async () => {
    const { X, y } = loadNumeric("diabetes.csv", "regression");
    const params = { n_estimators: 25, max_features: 0.5, random_state: 8 } as const;
    const run = await runStages(new RandomForestRegressor(params), X, y, 10, (m) => m.predict(X));
    expect(run.units).toEqual([10, 20]);
    const full = await new RandomForestRegressor(params).fit(X, y);
    expect(run.model.toState()).toEqual(full.toState());
    expect(Array.from(run.model.predict(X))).toEqual(Array.from(full.predict(X)));
    expect(run.outputs[0]).not.toEqual(Array.from(full.predict(X)));
  });
});
