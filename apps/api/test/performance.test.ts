import type { OutcomeCount } from "@mlw/db";
import { versionPerformance } from "../src/serving/performance";

const pair = (version: number, task: OutcomeCount["task"], predicted: string, actual: string, count: number): OutcomeCount => ({ version, modelId: `m${version}`, task, predicted, actual, count });

it("scores a classifier's confusion counts as scikit-learn does: accuracy and macro F1 over the labels seen in either", () => {
  // y_true a a a b b c c c c c / y_pred a a b b b c c c a d: sklearn accuracy 0.7, f1_score(average="macro") 0.5541666666666667.
  const outcomes = [pair(1, "classification", "a", "a", 2), pair(1, "classification", "b", "a", 1), pair(1, "classification", "b", "b", 2), pair(1, "classification", "c", "c", 3), pair(1, "classification", "a", "c", 1), pair(1, "classification", "d", "c", 1)];
  const [v1] = versionPerformance(outcomes, [{ version: 1, modelId: "m1", task: "classification", count: 25, requests: 20, latencyP50Ms: 1.5, latencyP99Ms: 7 }]);
  expect(v1).toEqual({ version: 1, model_id: "m1", task: "classification", n_predictions: 25, n_requests: 20, latency_p50_ms: 1.5, latency_p99_ms: 7, n_feedback: 10, n_scored: 10, metrics: { accuracy: 0.7, f1_macro: expect.closeTo(0.5541666666666667, 12) } });
});

it("scores a regressor's RMSE and MAE as scikit-learn does, leaving out feedback that is not a number", () => {
  // y_true 1 2 2 4.5 / y_pred 1.5 2 2 3: sklearn RMSE 0.7905694150420949, MAE 0.5.
  const outcomes = [pair(2, "regression", "1.5", "1", 1), pair(2, "regression", "2", "2", 2), pair(2, "regression", "3", "4.5", 1), pair(2, "regression", "3", "n/a", 1), pair(2, "regression", "3", "", 1)];
  const [v2] = versionPerformance(outcomes, []);
  expect(v2).toEqual({ version: 2, model_id: "m2", task: "regression", n_predictions: 0, n_requests: 0, latency_p50_ms: null, latency_p99_ms: null, n_feedback: 6, n_scored: 4, metrics: { rmse: expect.closeTo(0.7905694150420949, 12), mae: 0.5 } });
});

it("lists every version in order, one without feedback with null metrics", () => {
  const out = versionPerformance([pair(3, "regression", "x", "y", 1), pair(1, "classification", "a", "a", 1)], [{ version: 2, modelId: "m2", task: "classification", count: 4, requests: 4, latencyP50Ms: 1, latencyP99Ms: 2 }]);
  expect(out.map((v) => [v.version, v.n_feedback, v.n_scored, v.metrics])).toEqual([
    [1, 1, 1, { accuracy: 1, f1_macro: 1 }],
    [2, 0, 0, null],
    [3, 1, 0, null],
  ]);
});
