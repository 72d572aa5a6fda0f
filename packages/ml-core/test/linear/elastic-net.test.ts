import { ElasticNet, Lasso, elasticNetParams, lassoParams } from "../../src/linear/elastic-net";
import { loadSplit, r2 } from "./datasets";
import { sklearnCases } from "./fixture";

const diabetes = loadSplit("diabetes.csv", "regression");

describe("Lasso and ElasticNet", () => {
  it.each(sklearnCases("Lasso").map((c) => [JSON.stringify(c.params), c] as const))("Lasso matches scikit-learn's R^2 within 0.01 with %s", async (_p, c) => {
    const m = await new Lasso(lassoParams.parse(c.params)).fit(diabetes.Xtrain, diabetes.ytrain);
    expect(Math.abs(r2(diabetes.ytest, m.predict(diabetes.Xtest)) - c.score)).toBeLessThan(0.01);
  });

  it.each(sklearnCases("ElasticNet").map((c) => [JSON.stringify(c.params), c] as const))("ElasticNet matches scikit-learn's R^2 within 0.01 with %s", async (_p, c) => {
    const m = await new ElasticNet(elasticNetParams.parse(c.params)).fit(diabetes.Xtrain, diabetes.ytrain);
    expect(Math.abs(r2(diabetes.ytest, m.predict(diabetes.Xtest)) - c.score)).toBeLessThan(0.01);
  });

  it("zeroes more coefficients as alpha grows, and all of them past alpha_max", async () => {
    const zeros = async (alpha: number) => (await new Lasso(lassoParams.parse({ alpha })).fit(diabetes.Xtrain, diabetes.ytrain)).coef_!.filter((v) => v === 0).length;
    const [a, b, c] = [await zeros(0.01), await zeros(5), await zeros(1e4)];
    expect(a).toBeLessThan(b);
    expect(c).toBe(diabetes.Xtrain.cols);
  });

  it("with l1_ratio 1 is the lasso", async () => {
    const en = await new ElasticNet(elasticNetParams.parse({ alpha: 0.5, l1_ratio: 1 })).fit(diabetes.Xtrain, diabetes.ytrain);
    const la = await new Lasso(lassoParams.parse({ alpha: 0.5 })).fit(diabetes.Xtrain, diabetes.ytrain);
    expect(en.predict(diabetes.Xtest)).toEqual(la.predict(diabetes.Xtest));
  });
});
