import { InvalidHyperparameterError } from "../../src/core/errors";
import { LogisticRegression, logisticRegressionParams } from "../../src/linear/logistic-regression";
import { accuracy, loadSplit } from "./datasets";
import { sklearnCases } from "./fixture";

describe("LogisticRegression", () => {
  it.each(sklearnCases("LogisticRegression").map((c) => [c.dataset, JSON.stringify(c.params), c] as const))(
    "is within 1 accuracy point of scikit-learn on %s with %s",
    async (_d, _p, c) => {
      const s = loadSplit(c.dataset, "classification");
      const m = await new LogisticRegression(logisticRegressionParams.parse(c.params)).fit(s.Xtrain, s.ytrain, { nClasses: s.nClasses });
      expect(Math.abs(accuracy(s.ytest, m.predict(s.Xtest)) - c.score)).toBeLessThanOrEqual(0.01 + 1e-9);
    },
  );

  it.each([
    [{ penalty: "l1" }, "lbfgs"],
    [{ penalty: "l1", solver: "newton-cg" }, "newton-cg"],
    [{ penalty: "elasticnet", solver: "liblinear", l1_ratio: 0.5 }, "liblinear"],
    [{ penalty: null, solver: "liblinear" }, "liblinear"],
    [{ penalty: "elasticnet", solver: "lbfgs", l1_ratio: 0.5 }, "lbfgs"],
  ])("rejects the pair %j with a 400 naming the valid pairs", (input, solver) => {
    let err: unknown;
    try {
      logisticRegressionParams.parse(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidHyperparameterError);
    const e = err as InvalidHyperparameterError;
    expect(e.status).toBe(400);
    expect(e.code).toBe("INVALID_HYPERPARAMETER");
    expect(e.message).toContain(`\`${solver}\``);
    expect(e.message).toContain("saga: l1/l2/elasticnet/null");
  });

  it("requires l1_ratio for elasticnet", () => {
    expect(() => logisticRegressionParams.parse({ penalty: "elasticnet", solver: "saga" })).toThrow(/l1_ratio/);
  });

  it("gives probabilities that sum to 1 and agree with predict", async () => {
    const s = loadSplit("wine.csv", "classification");
    for (const solver of ["lbfgs", "liblinear"] as const) {
      const m = await new LogisticRegression(logisticRegressionParams.parse({ solver })).fit(s.Xtrain, s.ytrain);
      const P = m.predictProba(s.Xtest);
      const pred = m.predict(s.Xtest);
      for (let i = 0; i < P.rows; i++) {
        const row = Array.from(P.data.subarray(i * 3, i * 3 + 3));
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        expect(row.indexOf(Math.max(...row))).toBe(pred[i]);
      }
    }
  });

  it("makes coefficients sparse with l1 and a small C", async () => {
    const s = loadSplit("breast_cancer.csv", "classification");
    const l1 = await new LogisticRegression(logisticRegressionParams.parse({ penalty: "l1", solver: "saga", C: 0.05 })).fit(s.Xtrain, s.ytrain);
    const l2 = await new LogisticRegression(logisticRegressionParams.parse({ C: 0.05 })).fit(s.Xtrain, s.ytrain);
    const zeros = (c: Float64Array) => c.filter((v) => v === 0).length;
    expect(zeros(l1.coef_!)).toBeGreaterThan(s.Xtrain.cols / 2);
    expect(zeros(l2.coef_!)).toBe(0);
  });

  it("shifts predictions towards a rare class with class_weight balanced", async () => {
    // keep only a few samples of class 0 in breast_cancer
    const s = loadSplit("breast_cancer.csv", "classification");
    const keep = Array.from(s.ytrain.keys()).filter((i) => s.ytrain[i] === 1 || i % 6 === 0);
    const X = { data: new Float64Array(keep.flatMap((i) => Array.from(s.Xtrain.data.subarray(i * 30, i * 30 + 30)))), rows: keep.length, cols: 30 };
    const y = Float64Array.from(keep.map((i) => s.ytrain[i]!));
    const params = { C: 0.01 };
    const plain = await new LogisticRegression(logisticRegressionParams.parse(params)).fit(X, y);
    const balanced = await new LogisticRegression(logisticRegressionParams.parse({ ...params, class_weight: "balanced" })).fit(X, y);
    const count0 = (p: Float64Array) => p.filter((v) => v === 0).length;
    expect(count0(balanced.predict(s.Xtest))).toBeGreaterThan(count0(plain.predict(s.Xtest)));
  });
});
