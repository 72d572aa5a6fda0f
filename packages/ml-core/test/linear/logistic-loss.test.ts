import { Rng } from "../../src/core/rng";
import { logisticLoss } from "../../src/linear/logistic-loss";

/** The objective written out row by row, without blocking. */
function reference(X: Float64Array, n: number, d: number, t: Float64Array, sw: Float64Array, k: number, fitIntercept: boolean, l2: number, w: Float64Array): number {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const z: number[] = [];
    for (let c = 0; c < k; c++) {
      let s = fitIntercept ? w[k * d + c]! : 0;
      for (let j = 0; j < d; j++) s += w[c * d + j]! * X[i * d + j]!;
      z.push(s);
    }
    if (k === 1) loss += sw[i]! * (Math.log(1 + Math.exp(z[0]!)) - t[i]! * z[0]!);
    else loss += sw[i]! * (Math.log(z.reduce((a, b) => a + Math.exp(b), 0)) - z[t[i]!]!);
  }
  let sq = 0;
  for (let j = 0; j < k * d; j++) sq += w[j]! ** 2;
  return loss + 0.5 * l2 * sq;
}

describe("logisticLoss", () => {
  it.each([
    [13, 5, 1, true],
    [16, 4, 1, false],
    [3, 6, 1, true],
    [6, 9, 1, true],
    [1, 2, 1, false],
    [14, 3, 4, true],
    [7, 6, 3, false],
    [9, 2, 7, true],
  ] as const)("matches the plain objective and its numerical gradient (n=%i, d=%i, rows=%i, intercept %s)", (n, d, k, fitIntercept) => {
    const rng = new Rng(n * 31 + d * 7 + k);
    const X = new Float64Array(n * d).map(() => rng.normal());
    const t = new Float64Array(n).map(() => rng.int(k === 1 ? 2 : k));
    const sw = new Float64Array(n).map(() => 0.5 + rng.next());
    const l2 = 0.3;
    const fg = logisticLoss({ data: X, rows: n, cols: d }, t, sw, k, fitIntercept, l2);
    const size = k * d + (fitIntercept ? k : 0);
    const w = new Float64Array(size).map(() => rng.normal());
    const grad = new Float64Array(size).fill(NaN);
    const f = fg(w, grad);
    expect(f).toBeCloseTo(reference(X, n, d, t, sw, k, fitIntercept, l2, w), 10);
    const h = 1e-6;
    for (let p = 0; p < size; p++) {
      const up = Float64Array.from(w);
      const down = Float64Array.from(w);
      up[p]! += h;
      down[p]! -= h;
      const numeric = (reference(X, n, d, t, sw, k, fitIntercept, l2, up) - reference(X, n, d, t, sw, k, fitIntercept, l2, down)) / (2 * h);
      expect(Math.abs(grad[p]! - numeric)).toBeLessThan(1e-6);
    }
  });
});
