import { GradientBoostingClassifier, GradientBoostingRegressor } from "../../src/ensemble/gradient-boosting";
import { loadNumeric } from "./datasets";
import { runStages } from "../staged";

describe("GradientBoostingClassifier", () => {
  it("grows one tree per class per round for more than two classes, one for two", async () => {
    const iris = loadNumeric("iris.csv", "classification");
    const m3 = await new GradientBoostingClassifier({ n_estimators: 4, random_state: 0 }).fit(iris.X, iris.y);
    expect(m3.trees_!.nTrees).toBe(12);
    const bc = loadNumeric("breast_cancer.csv", "classification");
    const m2 = await new GradientBoostingClassifier({ n_estimators: 4, random_state: 0 }).fit(bc.X, bc.y);
    expect(m2.trees_!.nTrees).toBe(4);
  });

  it("starts from the class priors and lowers training loss with more rounds", async () => {
    const { X, y } = loadNumeric("breast_cancer.csv", "classification");
    const logLoss = (m: GradientBoostingClassifier) => {
      const p = m.predictProba(X);
      let s = 0;
      for (let i = 0; i < X.rows; i++) s -= Math.log(p.data[i * 2 + y[i]!]!);
      return s / X.rows;
    };
    const few = await new GradientBoostingClassifier({ n_estimators: 5, random_state: 0 }).fit(X, y);
    const many = await new GradientBoostingClassifier({ n_estimators: 40, random_state: 0 }).fit(X, y);
    expect(logLoss(many)).toBeLessThan(logLoss(few));
    const prior = y.reduce((a, b) => a + b, 0) / y.length;
    expect(1 / (1 + Math.exp(-few.init_![0]!))).toBeCloseTo(prior, 10);
  });

  it("subsample < 1 draws rows from the seed", async () => {
    const { X, y } = loadNumeric("breast_cancer.csv", "classification");
    const fit = (seed: number) => new GradientBoostingClassifier({ n_estimators: 10, subsample: 0.5, random_state: seed }).fit(X, y);
    const [a, b, c] = await Promise.all([fit(1), fit(1), fit(2)]);
    expect(Array.from(a.predictProba(X).data)).toEqual(Array.from(b.predictProba(X).data));
    expect(Array.from(a.predictProba(X).data)).not.toEqual(Array.from(c.predictProba(X).data));
  });
});

describe("GradientBoostingRegressor", () => {
  it("absolute_error resists an outlier better than squared_error", async () => {
    const n = 200;
    const X = { data: Float64Array.from({ length: n }, (_, i) => i / n), rows: n, cols: 1 };
    const y = Float64Array.from({ length: n }, (_, i) => 2 * (i / n));
    y[100] = 1000;
    const sq = await new GradientBoostingRegressor({ loss: "squared_error", n_estimators: 30, random_state: 0 }).fit(X, y);
    const ab = await new GradientBoostingRegressor({ loss: "absolute_error", n_estimators: 30, random_state: 0 }).fit(X, y);
    const err = (p: Float64Array) => Math.abs(p[101]! - 2 * (101 / n));
    expect(err(ab.predict(X))).toBeLessThan(err(sq.predict(X)));
  });
});

describe("GradientBoosting fitted in stages (fitStages)", () => {
  it.each([
    ["two classes, subsampled", "breast_cancer.csv", { n_estimators: 35, subsample: 0.8, random_state: 4 }, [10, 20, 30]],
    ["three classes, max_features drawn", "iris.csv", { n_estimators: 25, max_features: "sqrt", random_state: 1 }, [10, 20]],
  ] as const)("classifier, %s: pauses every 10 rounds with the model of those rounds, ends with fit's model to the bit", async (_, file, params, pauses) => {
    const { X, y } = loadNumeric(file, "classification");
    const proba = (m: GradientBoostingClassifier) => m.predictProba(X).data;
    const run = await runStages(new GradientBoostingClassifier(params), X, y, 10, proba);
    expect(run.units).toEqual(pauses);
    for (const [i, rounds] of run.units.entries()) expect(run.outputs[i]).toEqual(Array.from(proba(await new GradientBoostingClassifier({ ...params, n_estimators: rounds }).fit(X, y))));
    const full = await new GradientBoostingClassifier(params).fit(X, y);
    expect(run.model.toState()).toEqual(full.toState());
    expect(Array.from(proba(run.model))).toEqual(Array.from(proba(full)));
    expect(run.outputs[0]).not.toEqual(Array.from(proba(full)));
  });

  it("regressor (huber, subsampled): the same, and stops early on return()", async () => {
    const { X, y } = loadNumeric("diabetes.csv", "regression");
    const params = { n_estimators: 30, loss: "huber", subsample: 0.7, random_state: 2 } as const;
    const run = await runStages(new GradientBoostingRegressor(params), X, y, 10, (m) => m.predict(X));
    expect(run.units).toEqual([10, 20]);
    const ten = await new GradientBoostingRegressor({ ...params, n_estimators: 10 }).fit(X, y);
    expect(run.outputs[0]).toEqual(Array.from(ten.predict(X)));
    const full = await new GradientBoostingRegressor(params).fit(X, y);
    expect(run.model.toState()).toEqual(full.toState());
    expect(run.outputs[1]).not.toEqual(Array.from(full.predict(X)));

    const stopped = new GradientBoostingRegressor(params);
    const stages = stopped.fitStages(X, y, 10);
    await stages.next();
    expect((await stages.return(stopped)).done).toBe(true);
    expect(stopped.nIter_).toBe(10);
  });
});
