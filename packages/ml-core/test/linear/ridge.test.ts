import { Ridge, ridgeParams } from "../../src/linear/ridge";
import { loadSplit, r2 } from "./datasets";
import { sklearnCases } from "./fixture";

describe("Ridge", () => {
  it.each(sklearnCases("Ridge").map((c) => [c.dataset, JSON.stringify(c.params), c] as const))("matches scikit-learn's R^2 within 0.01 on %s with %s", async (_d, _p, c) => {
    const s = loadSplit(c.dataset, "regression");
    const m = await new Ridge(ridgeParams.parse(c.params)).fit(s.Xtrain, s.ytrain);
    expect(Math.abs(r2(s.ytest, m.predict(s.Xtest)) - c.score)).toBeLessThan(0.01);
  });

  it("shrinks coefficients as alpha grows", async () => {
    const s = loadSplit("diabetes.csv", "regression");
    const norm = async (alpha: number) => (await new Ridge(ridgeParams.parse({ alpha })).fit(s.Xtrain, s.ytrain)).coef_!.reduce((a, v) => a + v * v, 0);
    const [a, b, c] = [await norm(0.1), await norm(10), await norm(1000)];
    expect(a).toBeGreaterThan(b);
    expect(b).toBeGreaterThan(c);
  });
});
