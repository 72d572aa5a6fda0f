import { Rng } from "../../src/core/rng";
import type { Distribution } from "../../src/core/search-space";
import { CategoricalKernels, DiscreteTruncNormKernels, TruncNormKernels, fromInternal, isSingle, parzenBounds, sampleUniform, toInternal } from "../../src/tpe/distributions";

describe("sampleUniform", () => {
  const rng = new Rng(3);
  const draws = (d: Distribution, n = 4000) => Array.from({ length: n }, () => sampleUniform(d, rng));

  it("keeps floats in [low, high]", () => {
    const xs = draws({ type: "float", low: -2, high: 3 }) as number[];
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...xs)).toBeLessThanOrEqual(3);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.5, 1);
  });

  it("is uniform in log space for log floats", () => {
    const xs = draws({ type: "float", low: 1e-4, high: 1, log: true }) as number[];
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...xs)).toBeLessThanOrEqual(1);
    const belowOnePercent = xs.filter((x) => x < 1e-2).length / xs.length;
    expect(belowOnePercent).toBeGreaterThan(0.45);
    expect(belowOnePercent).toBeLessThan(0.55);
  });

  it("respects the grid of stepped floats and ints, covering the ends evenly", () => {
    const fs = draws({ type: "float", low: 0, high: 1, step: 0.25 }) as number[];
    for (const x of fs) expect([0, 0.25, 0.5, 0.75, 1]).toContain(x);
    const is = draws({ type: "int", low: 1, high: 10, step: 3 }) as number[];
    for (const x of is) expect([1, 4, 7, 10]).toContain(x);
    const ends = is.filter((x) => x === 1 || x === 10).length / is.length;
    expect(ends).toBeGreaterThan(0.45);
    expect(ends).toBeLessThan(0.55);
    const odd = draws({ type: "int", low: 0, high: 10, step: 4 }) as number[]; // grid 0, 4, 8
    expect(new Set(odd)).toEqual(new Set([0, 4, 8]));
  });

  it("draws log ints as integers in range", () => {
    const xs = draws({ type: "int", low: 1, high: 1000, log: true }) as number[];
    for (const x of xs) {
      expect(Number.isInteger(x)).toBe(true);
      expect(x).toBeGreaterThanOrEqual(1);
      expect(x).toBeLessThanOrEqual(1000);
    }
    expect(xs.filter((x) => x <= 31).length / xs.length).toBeGreaterThan(0.4);
  });

  it("draws every choice of a categorical", () => {
    const xs = draws({ type: "categorical", choices: ["a", 1, true, null] });
    expect(new Set(xs)).toEqual(new Set(["a", 1, true, null]));
  });

  it("recognises single-valued distributions", () => {
    expect(isSingle({ type: "int", low: 3, high: 3 })).toBe(true);
    expect(isSingle({ type: "float", low: 0, high: 0.5, step: 1 })).toBe(true);
    expect(isSingle({ type: "categorical", choices: ["x"] })).toBe(true);
    expect(isSingle({ type: "int", low: 3, high: 4 })).toBe(false);
  });
});

describe("internal scale", () => {
  it("round-trips values and rejects foreign ones", () => {
    const lf: Distribution = { type: "float", low: 1e-3, high: 10, log: true };
    expect(fromInternal(lf, toInternal(lf, 0.5))).toBeCloseTo(0.5, 12);
    expect(toInternal(lf, 20)).toBeNaN();
    expect(toInternal(lf, "x")).toBeNaN();
    const c: Distribution = { type: "categorical", choices: ["a", null, false] };
    expect(toInternal(c, null)).toBe(1);
    expect(toInternal(c, "b")).toBeNaN();
    expect(fromInternal(c, 2)).toBe(false);
  });

  it("uses Optuna's Parzen bounds", () => {
    expect(parzenBounds({ type: "int", low: 0, high: 10 })).toEqual({ low: -0.5, high: 10.5, step: 1 });
    expect(parzenBounds({ type: "float", low: 0, high: 1, step: 0.5 })).toEqual({ low: -0.25, high: 1.25, step: 0.5 });
    const li = parzenBounds({ type: "int", low: 1, high: 100, log: true });
    expect(li.low).toBeCloseTo(Math.log(0.5), 14);
    expect(li.high).toBeCloseTo(Math.log(100.5), 14);
    expect(li.step).toBeNull();
  });
});

describe("kernels", () => {
  const mu = Float64Array.of(-0.9, 0.2, 3.5);
  const sigma = Float64Array.of(0.3, 1.5, 0.05);

  it("truncated normal densities integrate to 1 over [low, high] and samples stay inside", () => {
    const k = new TruncNormKernels(mu, sigma, -1, 1.5, true);
    const n = 20000, h = 2.5 / n;
    const sums = new Float64Array(3);
    const out = new Float64Array(3);
    for (let i = 0; i < n; i++) {
      out.fill(0);
      k.addLogPdf(-1 + (i + 0.5) * h, out);
      for (let j = 0; j < 3; j++) (sums[j] as number) += Math.exp(out[j] as number) * h;
    }
    // Component 2 sits 40 sigmas above the range: still a normalised density.
    for (const s of sums) expect(s).toBeCloseTo(1, 3);
    const rng = new Rng(1);
    for (let i = 0; i < 500; i++) for (let j = 0; j < 3; j++) {
      const x = k.sample(j, rng);
      expect(x).toBeGreaterThanOrEqual(-1);
      expect(x).toBeLessThanOrEqual(1.5);
    }
  });

  it("discrete kernels sum to 1 over the grid", () => {
    const k = new DiscreteTruncNormKernels(Float64Array.of(0, 4, 12), Float64Array.of(1, 3, 0.2), -0.5, 10.5, 1);
    const sums = new Float64Array(3);
    const out = new Float64Array(3);
    for (let x = 0; x <= 10; x++) {
      out.fill(0);
      k.addLogPdf(x, out);
      for (let j = 0; j < 3; j++) (sums[j] as number) += Math.exp(out[j] as number);
    }
    for (const s of sums) expect(s).toBeCloseTo(1, 10);
  });

  it("categorical kernels give each row's probabilities and sample by them", () => {
    const probs = Float64Array.of(0.7, 0.2, 0.1, 0.1, 0.1, 0.8);
    const k = new CategoricalKernels(probs, 3);
    const out = new Float64Array(2);
    k.addLogPdf(2, out);
    expect(Math.exp(out[0] as number)).toBeCloseTo(0.1, 12);
    expect(Math.exp(out[1] as number)).toBeCloseTo(0.8, 12);
    const rng = new Rng(5);
    let twos = 0;
    for (let i = 0; i < 5000; i++) if (k.sample(1, rng) === 2) twos++;
    expect(twos / 5000).toBeGreaterThan(0.77);
    expect(twos / 5000).toBeLessThan(0.83);
  });
});
