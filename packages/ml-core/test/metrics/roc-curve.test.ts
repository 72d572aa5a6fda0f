import { readFileSync } from "node:fs";
import path from "node:path";
import { rocCurve } from "../../src/metrics";

const fixture = JSON.parse(readFileSync(path.join(__dirname, "../fixtures/roc-sklearn.json"), "utf8")) as {
  cases: { name: string; y_true: number[]; scores: number[]; fpr: number[]; tpr: number[]; thresholds: (number | null)[] }[];
};

it.each(fixture.cases.map((c) => [c.name, c] as const))("equals scikit-learn's roc_curve on %s (ties, dropped intermediate points)", (_name, c) => {
  const curve = rocCurve(c.y_true, Float64Array.from(c.scores), 1);
  expect(curve.thresholds).toEqual(c.thresholds);
  expect(curve.fpr.length).toBe(c.fpr.length);
  curve.fpr.forEach((v, i) => expect(v).toBeCloseTo(c.fpr[i]!, 12));
  curve.tpr.forEach((v, i) => expect(v).toBeCloseTo(c.tpr[i]!, 12));
});

it("is a straight line from (0, 0) to (1, 1) when every score is the same", () => {
  expect(rocCurve([0, 1, 0, 1], Float64Array.from([0.5, 0.5, 0.5, 0.5]), 1)).toEqual({ fpr: [0, 1], tpr: [0, 1], thresholds: [null, 0.5] });
});
