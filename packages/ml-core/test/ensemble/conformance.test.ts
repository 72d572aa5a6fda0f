import type { AlgorithmSpec } from "../../src/core/estimator";
import { NotFittedError } from "../../src/core/errors";
import type { Matrix } from "../../src/core/matrix";
import { ENSEMBLE_ALGORITHMS } from "../../src/ensemble/specs";
import { decode, encode } from "../../src/persist";
import { loadNumeric } from "./datasets";

const classification = loadNumeric("breast_cancer.csv", "classification");
const regression = loadNumeric("diabetes.csv", "regression");
/** Small, fast settings per algorithm so the suite stays quick. */
const SMALL: Record<string, Record<string, unknown>> = {
  RandomForestClassifier: { n_estimators: 10, n_jobs: 1 },
  RandomForestRegressor: { n_estimators: 10, n_jobs: 1 },
  GradientBoostingClassifier: { n_estimators: 20 },
  GradientBoostingRegressor: { n_estimators: 20 },
  HistGradientBoostingClassifier: { max_iter: 20 },
  HistGradientBoostingRegressor: { max_iter: 20 },
};

const cases = ENSEMBLE_ALGORITHMS.map((spec) => [spec.name, spec] as const);

describe.each(cases)("%s conformance", (_name, spec: AlgorithmSpec) => {
  const { X, y } = spec.task === "classification" ? classification : regression;
  const make = (seed: number) => spec.create(spec.params.parse({ ...SMALL[spec.name], random_state: seed }));

  it("declares scikit-learn style params, a search space and no scaling", () => {
    expect(spec.scale).toBe(false);
    expect(Object.keys(spec.searchSpace).length).toBeGreaterThan(0);
    for (const key of Object.keys(spec.searchSpace)) expect(spec.params.docs.map((d) => d.name)).toContain(key);
  });

  it("fit resolves to the estimator itself", async () => {
    const m = make(1);
    await expect(m.fit(X, y)).resolves.toBe(m);
  });

  it("throws NotFittedError before fit", () => {
    expect(() => make(1).predict(X)).toThrow(NotFittedError);
  });

  it("gives identical predictions for the same seed", async () => {
    const a = await make(7).fit(X, y);
    const b = await make(7).fit(X, y);
    expect(Array.from(a.predict(X))).toEqual(Array.from(b.predict(X)));
  });

  it("refit replaces what was learnt", async () => {
    const m = make(3);
    await m.fit(X, y);
    const first = m.predict(X);
    // fit on a flipped / shifted target: predictions must follow the new data only
    const y2 = spec.task === "classification" ? y.map((v) => 1 - v) : y.map((v) => -v);
    await m.fit(X, y2);
    const fresh = await make(3).fit(X, y2);
    expect(Array.from(m.predict(X))).toEqual(Array.from(fresh.predict(X)));
    expect(Array.from(m.predict(X))).not.toEqual(Array.from(first));
  });

  it("round-trips through toState / persist to identical predictions", async () => {
    const m = await make(5).fit(X, y);
    const restored = spec.restore(decode(encode(m.toState() as never)) as never);
    expect(restored.algorithm).toBe(spec.name);
    expect(Array.from(restored.predict(X))).toEqual(Array.from(m.predict(X)));
    if (m.predictProba) expect(Array.from(restored.predictProba!(X).data)).toEqual(Array.from(m.predictProba(X).data));
    expect(Array.from(restored.featureImportances!()!)).toEqual(Array.from(m.featureImportances!()!));
  });

  it("gives normalised per-feature importances", async () => {
    const m = await make(2).fit(X, y);
    const imp = m.featureImportances!()!;
    expect(imp.length).toBe(X.cols);
    expect(imp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    for (const v of imp) expect(v).toBeGreaterThanOrEqual(0);
  });

  it("predicts on raw features with missing values", async () => {
    const m = await make(2).fit(X, y);
    const Xn: Matrix = { ...X, data: X.data.map((v, i) => (i % 7 === 0 ? NaN : v)) };
    const p = m.predict(Xn);
    expect(p.length).toBe(X.rows);
    for (const v of p) expect(Number.isFinite(v)).toBe(true);
  });

  it("refuses invalid hyperparameters with a 400 error", () => {
    expect(() => spec.params.parse({ not_a_param: 1 })).toThrow(expect.objectContaining({ code: "INVALID_HYPERPARAMETER", status: 400 }));
  });
});
