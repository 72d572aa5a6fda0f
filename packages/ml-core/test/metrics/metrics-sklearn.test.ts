import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fromRows } from "../../src/core/matrix";
import { classificationMetrics, classificationReport, confusionMatrix, formatFixed, logLoss, regressionMetrics, rocAuc, type Average } from "../../src/metrics";

interface ClassificationCase {
  name: string;
  labels: (string | number)[];
  y_true: number[];
  y_pred: number[];
  proba: number[][];
  expected: Record<string, any>;
}
interface RegressionCase {
  name: string;
  y_true: number[];
  y_pred: number[];
  expected: { mse: number; rmse: number; mae: number; r2: number };
}
const fixture = JSON.parse(readFileSync(join(__dirname, "../fixtures/metrics-sklearn.json"), "utf8")) as { classification: ClassificationCase[]; regression: RegressionCase[] };

function close(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9);
}

describe.each(fixture.classification.map((c) => [c.name, c] as const))("classification parity with scikit-learn: %s", (_name, c) => {
  const k = c.labels.length;

  it("gives the same accuracy, precision, recall and F1 for every average", () => {
    const averages: Average[] = k === 2 ? ["binary", "weighted", "macro"] : ["weighted", "macro"];
    for (const avg of averages) {
      const got = classificationMetrics(c.y_true, c.y_pred, k, avg);
      close(got.accuracy, c.expected.accuracy);
      close(got.precision, c.expected[avg].precision);
      close(got.recall, c.expected[avg].recall);
      close(got.f1_score, c.expected[avg].f1_score);
    }
    expect(classificationMetrics(c.y_true, c.y_pred, k)).toEqual(classificationMetrics(c.y_true, c.y_pred, k, k === 2 ? "binary" : "weighted"));
  });

  it("gives the same confusion matrix and report text", () => {
    expect(confusionMatrix(c.y_true, c.y_pred, k)).toEqual(c.expected.confusion);
    expect(classificationReport(c.y_true, c.y_pred, c.labels)).toBe(c.expected.report);
    expect(classificationReport(c.y_true, c.y_pred, c.labels, 4)).toBe(c.expected.report4);
  });

  it("gives the same ROC AUC and log loss", () => {
    const proba = fromRows(c.proba);
    close(rocAuc(c.y_true, proba), c.expected.roc_auc);
    close(logLoss(c.y_true, proba), c.expected.log_loss);
  });
});

describe.each(fixture.regression.map((c) => [c.name, c] as const))("regression parity with scikit-learn: %s", (_name, c) => {
  it("gives the same mse, rmse, mae and r2", () => {
    const got = regressionMetrics(c.y_true, c.y_pred);
    for (const key of ["mse", "rmse", "mae", "r2"] as const) close(got[key], c.expected[key]);
  });
});

describe("metrics edge cases", () => {
  it("rounds exact ties to even like Python's format", () => {
    expect(formatFixed(0.125, 2)).toBe("0.12");
    expect(formatFixed(0.875, 2)).toBe("0.88");
    expect(formatFixed(0.1 + 0.2, 2)).toBe("0.30");
    expect(formatFixed(2.5, 0)).toBe("2");
  });

  it("scores a perfect classifier 1 and a constant-target perfect regression r2 1", () => {
    const y = [0, 1, 2, 1, 0];
    expect(classificationMetrics(y, y, 3)).toEqual({ accuracy: 1, precision: 1, recall: 1, f1_score: 1 });
    expect(regressionMetrics([3, 3, 3], [3, 3, 3]).r2).toBe(1);
    expect(regressionMetrics([3, 3, 3], [3, 3, 4]).r2).toBe(0);
  });

  it("refuses the binary average for more than two classes", () => {
    expect(() => classificationMetrics([0, 1, 2], [0, 1, 2], 3, "binary")).toThrow(expect.objectContaining({ code: "INVALID_HYPERPARAMETER" }));
  });
});
