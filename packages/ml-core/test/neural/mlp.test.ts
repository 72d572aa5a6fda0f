import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { MLPClassifier, MLPRegressor, mlpParams } from "../../src/neural/mlp";
import { accuracy, loadSplit, r2 } from "../linear/datasets";
import { sklearnCases } from "../linear/fixture";
import { runStages } from "../staged";

describe("MLPClassifier", () => {
  // stochastic training with another generator than numpy's: allow 3 points rather than 1
  it.each(sklearnCases("MLPClassifier").map((c) => [c.dataset, c] as const))("is within 3 accuracy points of scikit-learn on %s", async (_d, c) => {
    const s = loadSplit(c.dataset, "classification");
    const m = await new MLPClassifier(mlpParams.parse(c.params)).fit(s.Xtrain, s.ytrain, { nClasses: s.nClasses });
    expect(accuracy(s.ytest, m.predict(s.Xtest))).toBeGreaterThanOrEqual(c.score - 0.03);
  });

  it("gives class probabilities that sum to 1", async () => {
    const s = loadSplit("iris.csv", "classification");
    const m = await new MLPClassifier(mlpParams.parse({ hidden_layer_sizes: [10], max_iter: 50, random_state: 1 })).fit(s.Xtrain, s.ytrain);
    const P = m.predictProba(s.Xtest);
    for (let i = 0; i < P.rows; i++) expect(P.data[i * 3]! + P.data[i * 3 + 1]! + P.data[i * 3 + 2]!).toBeCloseTo(1, 10);
  });

  it("gives different weights for different seeds", async () => {
    const s = loadSplit("wine.csv", "classification");
    const fit = (seed: number) => new MLPClassifier(mlpParams.parse({ hidden_layer_sizes: [8], max_iter: 5, random_state: seed })).fit(s.Xtrain, s.ytrain);
    const [a, b] = [await fit(1), await fit(2)];
    expect(a.layers_!.weights[0]).not.toEqual(b.layers_!.weights[0]);
  });

  it("stops early when the validation score stops improving", async () => {
    const s = loadSplit("breast_cancer.csv", "classification");
    const m = await new MLPClassifier(mlpParams.parse({ early_stopping: true, max_iter: 500, random_state: 0, learning_rate_init: 0.01 })).fit(s.Xtrain, s.ytrain);
    expect(m.nIter_).toBeLessThan(500);
    expect(accuracy(s.ytest, m.predict(s.Xtest))).toBeGreaterThan(0.9);
  });

  it("keeps no tensors after training 50 small models", async () => {
    await initBackend();
    const s = loadSplit("iris.csv", "classification");
    const start = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) {
      const params = mlpParams.parse({ hidden_layer_sizes: [4], max_iter: 2, random_state: i, early_stopping: i % 2 === 0 });
      await (i % 3 === 0 ? new MLPRegressor(params).fit(s.Xtrain, s.ytrain) : new MLPClassifier(params).fit(s.Xtrain, s.ytrain));
    }
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe("MLPRegressor", () => {
  it("explains a good part of the variance of diabetes", async () => {
    const s = loadSplit("diabetes.csv", "regression");
    const m = await new MLPRegressor(mlpParams.parse({ random_state: 0, max_iter: 300, learning_rate_init: 0.01 })).fit(s.Xtrain, s.ytrain);
    expect(r2(s.ytest, m.predict(s.Xtest))).toBeGreaterThan(0.35);
    expect(m.lossCurve_[m.lossCurve_.length - 1]!).toBeLessThan(m.lossCurve_[0]! / 5);
  });

  it("refuses hidden layer sizes that are not positive integers", () => {
    expect(() => mlpParams.parse({ hidden_layer_sizes: [0] })).toThrow(/hidden_layer_sizes/);
    expect(() => mlpParams.parse({ hidden_layer_sizes: [] })).toThrow(/hidden_layer_sizes/);
  });
});

describe("MLPs fitted in stages of epochs (fitStages)", () => {
  it("classifier: pauses every 10 epochs with the weights of those epochs, ends with fit's model to the bit", async () => {
    const s = loadSplit("wine.csv", "classification");
    const params = mlpParams.parse({ hidden_layer_sizes: [16], max_iter: 35, learning_rate_init: 0.01, random_state: 2 });
    const proba = (m: MLPClassifier) => m.predictProba(s.Xtest).data;
    const run = await runStages(new MLPClassifier(params), s.Xtrain, s.ytrain, 10, proba);
    expect(run.units).toEqual([10, 20, 30]);
    const ten = await new MLPClassifier({ ...params, max_iter: 10 }).fit(s.Xtrain, s.ytrain);
    expect(run.outputs[0]).toEqual(Array.from(proba(ten)));
    const full = await new MLPClassifier(params).fit(s.Xtrain, s.ytrain);
    expect(run.model.toState()).toEqual(full.toState());
    expect(Array.from(proba(run.model))).toEqual(Array.from(proba(full)));
    expect(run.outputs[0]).not.toEqual(Array.from(proba(full)));
  });

  it("regressor with early stopping: ends with fit's model (its best epoch's); return() frees every tensor", async () => {
    await initBackend();
    const s = loadSplit("diabetes.csv", "regression");
    const params = mlpParams.parse({ hidden_layer_sizes: [8], max_iter: 40, early_stopping: true, n_iter_no_change: 50, learning_rate_init: 0.01, random_state: 1 });
    const run = await runStages(new MLPRegressor(params), s.Xtrain, s.ytrain, 10, (m) => m.predict(s.Xtest));
    expect(run.units).toEqual([10, 20, 30]);
    const full = await new MLPRegressor(params).fit(s.Xtrain, s.ytrain);
    expect(run.model.toState()).toEqual(full.toState());
    expect(run.outputs[0]).not.toEqual(Array.from(full.predict(s.Xtest)));

    const start = tf.memory().numTensors;
    const stopped = new MLPRegressor(params);
    const stages = stopped.fitStages(s.Xtrain, s.ytrain, 10);
    await stages.next();
    expect((await stages.return(stopped)).done).toBe(true);
    expect(stopped.nIter_).toBe(10);
    expect(tf.memory().numTensors).toBe(start);
  });
});
