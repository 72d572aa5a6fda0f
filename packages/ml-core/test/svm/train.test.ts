import { svmTrain, type TrainedSvc, type TrainOptions } from "../../src/svm/train";
import { SVC, svcParams } from "../../src/svm/svc";
import type { Matrix } from "../../src/core/matrix";
import { loadSplit } from "../linear/datasets";
import { libsvmTrain } from "./libsvm-oracle";

const base: TrainOptions = { kernel: "rbf", gamma: 0, degree: 3, coef0: 0, tol: 1e-3, shrinking: true, cacheSize: 200, maxIter: -1 };

/** Decision values of a trained model on X, through SVC's own prediction code. */
function decisions(t: TrainedSvc, Xtrain: Matrix, X: Matrix, o: TrainOptions, nClasses: number): Float64Array {
  const d = Xtrain.cols;
  const sv = new Float64Array(t.svRows.length * d);
  t.svRows.forEach((r, s) => sv.set(Xtrain.data.subarray(r * d, (r + 1) * d), s * d));
  const svc = new SVC(svcParams.parse({ kernel: o.kernel, degree: o.degree, coef0: o.coef0 }));
  svc.model_ = { ...t, sv, probA: new Float64Array(0), probB: new Float64Array(0), gamma: o.gamma, nFeatures: d, nClasses };
  return svc.decisionFunction(X).data;
}

describe("svmTrain", () => {
  const cases: [string, Partial<TrainOptions>, boolean][] = [
    ["iris.csv", {}, false],
    ["iris.csv", { kernel: "poly", coef0: 1 }, false],
    ["wine.csv", {}, true],
    ["wine.csv", { kernel: "linear", shrinking: false }, false],
    ["breast_cancer.csv", {}, false],
    ["breast_cancer.csv", { kernel: "sigmoid", gamma: 0.01 }, true],
  ];
  // Math.pow and Math.exp may differ from C's in the last bit, which float32 kernel columns mostly hide
  it.each(cases)("matches libsvm on %s with %j (class weights %s)", async (file, options, weighted) => {
    const s = loadSplit(file, "classification");
    const o: TrainOptions = { ...base, gamma: 1 / s.Xtrain.cols, ...options };
    const rows = Int32Array.from({ length: s.Xtrain.rows }, (_, i) => i);
    const cost = (label: number) => (weighted ? 1 + label : 1);
    const ours = svmTrain(s.Xtrain, rows, s.ytrain, cost, o);
    const ref = await libsvmTrain(s.Xtrain, rows, s.ytrain, cost, o);
    expect(Array.from(ours.labels)).toEqual(Array.from(ref.labels));
    ours.nSV.forEach((n, c) => expect(Math.abs(n - ref.nSV[c]!)).toBeLessThanOrEqual(2));
    const a = decisions(ours, s.Xtrain, s.Xtest, o, s.nClasses);
    const b = decisions(ref, s.Xtrain, s.Xtest, o, s.nClasses);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
    expect(worst).toBeLessThanOrEqual(1e-5);
  });

  it("orders a -1/+1 problem +1 first and weights each class's C, as libsvm", () => {
    const X: Matrix = { data: Float64Array.from([0, 0, 1, 1, 0, 1, 3, 3, 3, 4, 4, 3]), rows: 6, cols: 2 };
    const t = svmTrain(X, [0, 1, 2, 3, 4, 5], [-1, -1, -1, 1, 1, 1], (c) => (c > 0 ? 10 : 0.01), { ...base, kernel: "linear" });
    expect(Array.from(t.labels)).toEqual([1, -1]);
    // every coefficient is bounded by its class's C: y_i alpha_i in [0, 10] for +1 and [-0.01, 0] for -1
    for (let s = 0; s < t.svRows.length; s++) {
      const c = t.svCoef[s]!;
      if (s < t.nSV[0]!) expect(c).toBeGreaterThan(0);
      else expect(c).toBeGreaterThanOrEqual(-0.01 - 1e-12);
    }
  });
});
