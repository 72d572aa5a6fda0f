import { fromRows } from "../../src/core/matrix";
import { LinearRegression, linearRegressionParams } from "../../src/linear/linear-regression";
import { loadSplit, r2 } from "./datasets";
import { sklearnCases } from "./fixture";

describe("LinearRegression", () => {
  it("recovers an exact linear relation", async () => {
    const X = fromRows([[1, 2], [2, 0], [3, 5], [4, 1], [5, 7]]);
    const y = Float64Array.from([0, 1, 2, 3, 4].map((i) => 3 + 2 * X.data[i * 2]! - 0.5 * X.data[i * 2 + 1]!));
    const m = await new LinearRegression().fit(X, y);
    expect(m.coef_![0]).toBeCloseTo(2, 10);
    expect(m.coef_![1]).toBeCloseTo(-0.5, 10);
    expect(m.intercept_).toBeCloseTo(3, 10);
  });

  it("fits through the origin when fit_intercept is false", async () => {
    const X = fromRows([[1], [2], [3]]);
    const m = await new LinearRegression(linearRegressionParams.parse({ fit_intercept: false })).fit(X, Float64Array.from([3, 5, 7]));
    expect(m.intercept_).toBe(0);
    expect(m.coef_![0]).toBeCloseTo(34 / 14, 10);
  });

  it("copes with duplicated (collinear) columns like a least-squares solver", async () => {
    const X = fromRows([[1, 1, 0], [2, 2, 1], [3, 3, 0], [4, 4, 1], [5, 5, 0]]);
    const y = Float64Array.from([2, 5, 6, 9, 10]);
    const m = await new LinearRegression().fit(X, y);
    const p = m.predict(X);
    const ref = await new LinearRegression().fit(fromRows([[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]]), y);
    const pRef = ref.predict(fromRows([[1, 0], [2, 1], [3, 0], [4, 1], [5, 0]]));
    p.forEach((v, i) => expect(v).toBeCloseTo(pRef[i]!, 8));
  });

  it.each(sklearnCases("LinearRegression").map((c) => [c.dataset, c] as const))("matches scikit-learn's R^2 within 0.01 on %s", async (_d, c) => {
    const s = loadSplit(c.dataset, "regression");
    const m = await new LinearRegression(linearRegressionParams.parse(c.params)).fit(s.Xtrain, s.ytrain);
    expect(Math.abs(r2(s.ytest, m.predict(s.Xtest)) - c.score)).toBeLessThan(0.01);
  });
});
