import { Rng } from "../../src/core/rng";
import type { Distribution } from "../../src/core/search-space";
import { ParzenEstimator, type ParzenEstimatorParams, argsortNumpy } from "../../src/tpe/parzen-estimator";
import { OPTUNA_COMPATIBLE_SETTINGS } from "../../src/tpe/settings";

// Expected values computed once with Optuna 3.1 (Debian python3-optuna) under /usr/bin/python3:
//   from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
//   P = _ParzenEstimatorParameters(True, 1.0, True, False, default_weights, False)  # consider_prior,
//       prior_weight, magic_clip, endpoints, weights, multivariate
//   pe = _ParzenEstimator({"a": np.asarray(obs)}, {"a": dist}, P)
//   pe._weights, pe._mus["a"], pe._sigmas["a"], pe._categorical_weights["a"], pe.log_pdf({"a": xs})
// Optuna 3.1's `_truncnorm.logpdf` omits the -log(scale) term, so its continuous kernels are not
// normalised densities (discrete and categorical ones are unaffected). `ask` follows Optuna, so the
// default logPdf values below are Optuna's own; the `normalisedKernels` ones were computed with that
// one term patched in:
//   T.logpdf = lambda x, a, b, loc=0, scale=1: orig(x, a, b, loc, scale) - np.log(scale)

const P: ParzenEstimatorParams = OPTUNA_COMPATIBLE_SETTINGS;
const uni = (d: Distribution, obs: number[], params = P) => new ParzenEstimator([d], [Float64Array.from(obs)], params);
const kernelArrays = (pe: ParzenEstimator) => pe.kernels[0] as unknown as { mu: Float64Array; sigma: Float64Array; probs: Float64Array };
const expectClose = (got: ArrayLike<number>, want: readonly number[], digits = 12) => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, digits));
};

describe("ParzenEstimator (vs Optuna 3.1)", () => {
  it("float: prior appended, widths from neighbours, ends without endpoints", () => {
    const pe = uni({ type: "float", low: -1, high: 1 }, [0.1, 0.5, 0.7, -0.3]);
    expectClose(pe.weights, [0.2, 0.2, 0.2, 0.2, 0.2]);
    expectClose(kernelArrays(pe).mu, [0.1, 0.5, 0.7, -0.3, 0.0]);
    expectClose(kernelArrays(pe).sigma, [0.4, 0.4, 0.3333333333333333, 0.3333333333333333, 2.0]);
    expectClose(pe.logPdf([Float64Array.of(0, 0.6, -0.9)]), [-0.9346805976723676, -0.8713768819428146, -1.56956547657642]);
    const normalised = uni({ type: "float", low: -1, high: 1 }, [0.1, 0.5, 0.7, -0.3], { ...P, normalisedKernels: true });
    expectClose(normalised.logPdf([Float64Array.of(0, 0.6, -0.9)]), [-0.5149491238457149, -0.3633447748820604, -1.8853546795152987]);
  });

  it("float with considerEndpoints and no magic clip", () => {
    const pe = uni({ type: "float", low: -1, high: 1 }, [0.1, 0.5, 0.7, -0.3], { ...P, considerMagicClip: false, considerEndpoints: true });
    expectClose(kernelArrays(pe).sigma, [0.4, 0.4, 0.3, 0.7, 2.0]);
    expectClose(pe.logPdf([Float64Array.of(0, 0.6, -0.9)]), [-0.8583281999498621, -0.7861485652847062, -1.3459088213126256]);
  });

  it("log float works in log space", () => {
    const pe = uni({ type: "float", low: 1e-4, high: 1, log: true }, [1e-3, 1e-1, 0.5].map(Math.log));
    expectClose(kernelArrays(pe).mu, [-6.907755278982137, -2.3025850929940455, -0.6931471805599453, -4.605170185988091]);
    expectClose(kernelArrays(pe).sigma, [2.302585092994046, 2.3025850929940455, 1.8420680743952365, 9.210340371976182]);
    expectClose(pe.logPdf([Float64Array.of(Math.log(1e-3), Math.log(0.3))]), [-0.9473507561560007, -0.6867883654476995]);
  });

  it("int: +-0.5 bounds, tied observations, probability mass of grid cells", () => {
    const pe = uni({ type: "int", low: 0, high: 10 }, [1, 4, 4, 9]);
    expectClose(kernelArrays(pe).mu, [1, 4, 4, 9, 5]);
    expectClose(kernelArrays(pe).sigma, [3, 3, 1.8333333333333333, 4, 11]);
    expectClose(pe.logPdf([Float64Array.of(0, 4, 10)]), [-2.630137971306139, -2.0502775933394757, -2.9567490796017193]);
  });

  it("int with many ties: widths go to tied observations in np.argsort's order, as in Optuna", () => {
    const obs = [3, 1, 2, 3, 3, 1, 0, 2, 2, 3, 1, 1, 3, 0, 2, 2, 3, 1, 0, 3, 2, 1, 0, 0, 3, 2, 1, 1, 2, 3, 0, 2, 1, 3, 3, 2, 0, 1, 2, 1];
    expect(Array.from(argsortNumpy(Float64Array.from(obs), new Int32Array(obs.length)))).toEqual([30, 36, 23, 6, 22, 18, 13, 27, 26, 32, 21, 17, 39, 11, 1, 10, 37, 5, 28, 2, 25, 7, 8, 20, 38, 35, 31, 14, 15, 33, 34, 0, 24, 16, 12, 9, 4, 3, 29, 19]);
    const pe = uni({ type: "int", low: 0, high: 3 }, obs);
    expectClose(pe.logPdf([Float64Array.of(0, 1, 2, 3)]), [-1.635440116140615, -1.3131806352099935, -1.2230100359859701, -1.41953127302027]);
  });

  it("categorical: prior weight spread over the choices of every row", () => {
    const pe = uni({ type: "categorical", choices: ["a", "b", "c", "d"] }, [0, 2, 2]);
    expectClose(kernelArrays(pe).probs, [0.625, 0.125, 0.125, 0.125, 0.125, 0.125, 0.625, 0.125, 0.125, 0.125, 0.625, 0.125, 0.25, 0.25, 0.25, 0.25]);
    expectClose(pe.logPdf([Float64Array.of(0, 1, 2)]), [-1.2685113254635072, -1.856297990365626, -0.9007865453381898]);
  });

  it("ramps the weights of old observations and weighs the prior by priorWeight", () => {
    const obs = Array.from({ length: 30 }, (_, i) => (i / 29) ** 2);
    const pe = uni({ type: "float", low: 0, high: 1 }, obs, { ...P, priorWeight: 2 });
    expectClose(pe.weights.subarray(0, 3), [0.0011267605633802815, 0.009295774647887323, 0.017464788732394366]);
    expectClose(pe.weights.subarray(29), [0.03380281690140845, 0.0676056338028169]);
    expectClose(kernelArrays(pe).sigma.subarray(0, 3), [0.03125, 0.03125, 0.03125]);
    expectClose(pe.logPdf([Float64Array.of(0.05, 0.5)]), [-1.9280724025844471, -2.2547271320579676]);
  });

  it("multivariate: one Scott-rule width per dimension, joint density", () => {
    const pe = new ParzenEstimator(
      [{ type: "float", low: -1, high: 1 }, { type: "int", low: 1, high: 10 }],
      [Float64Array.of(0.1, 0.5, 0.7), Float64Array.of(3, 5, 8)],
      { ...P, multivariate: true },
    );
    expectClose((pe.kernels[0] as unknown as { sigma: Float64Array }).sigma, [0.4, 0.4, 0.4, 2.0]);
    expectClose((pe.kernels[1] as unknown as { sigma: Float64Array }).sigma, [2, 2, 2, 10]);
    expectClose(pe.logPdf([Float64Array.of(0, 0.6), Float64Array.of(4, 9)]), [-2.8838755366051414, -2.956800373635641]);
  });

  it("multivariate with neighbours bandwidth: each dimension gets the univariate widths", () => {
    const dims: Distribution[] = [{ type: "float", low: -1, high: 1 }, { type: "int", low: 1, high: 10 }];
    const obs = [Float64Array.of(0.1, 0.5, 0.7), Float64Array.of(3, 5, 8)];
    const pe = new ParzenEstimator(dims, obs, { ...P, multivariate: true, multivariateBandwidth: "neighbours" });
    dims.forEach((d, p) => expectClose((pe.kernels[p] as unknown as { sigma: Float64Array }).sigma, Array.from(kernelArrays(uni(d, Array.from(obs[p] as Float64Array))).sigma)));
  });

  it("magic clip floor is range * max(minBandwidthFactor, (n + 2)^-magicClipExponent) (Watanabe 2023), Optuna's range / min(100, n + 2)", () => {
    const obs = [0.1, 0.11, 0.12, 0.13, 0.5, 0.9];
    // Sorted with the prior's 0 and the ends: -1, 0, 0.1, 0.11, 0.12, 0.13, 0.5, 0.9, 1; n + 2 = 8.
    const w = uni({ type: "float", low: -1, high: 1 }, obs, { ...P, considerEndpoints: true, minBandwidthFactor: 0.03, magicClipExponent: 2 });
    expectClose(kernelArrays(w).sigma, [0.1, 0.06, 0.06, 0.37, 0.4, 0.4, 2]);
    const o = uni({ type: "float", low: -1, high: 1 }, obs, { ...P, considerEndpoints: true });
    expectClose(kernelArrays(o).sigma, [0.25, 0.25, 0.25, 0.37, 0.4, 0.4, 2]);
  });

  it("given observation weights replace the weights function, the prior weighing priorWeight times their mean", () => {
    const pe = new ParzenEstimator([{ type: "float", low: 0, high: 1 }], [Float64Array.of(0.2, 0.4)], P, Float64Array.of(1, 3));
    expectClose(pe.weights, [1 / 6, 3 / 6, 2 / 6]);
  });

  it("with no observations is the prior alone, and samples concentrate where observations are", () => {
    const empty = uni({ type: "float", low: 0, high: 1 }, []);
    expect(empty.size).toBe(1);
    const pe = uni({ type: "float", low: 0, high: 10 }, [2, 2.1, 1.9, 2.05, 1.95, 2.02, 1.98, 2.01, 1.99, 2.03]);
    const xs = pe.sample(new Rng(9), 2000)[0] as Float64Array;
    const near = xs.filter((x) => Math.abs(x - 2) < 1).length / xs.length;
    expect(near).toBeGreaterThan(0.6); // 10/11 of the mass in kernels of width >= 10/12
    expect(xs.filter((x) => Math.abs(x - 2) < 2.5).length / xs.length).toBeGreaterThan(0.85);
    for (const x of xs) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(10);
    }
  });

  it("samples snapped to the grid of int and stepped parameters", () => {
    const pe = uni({ type: "int", low: 1, high: 64, log: true }, [2, 8, 32].map(Math.log));
    for (const x of pe.sample(new Rng(2), 300)[0] as Float64Array) expect(Number.isInteger(Math.round(Math.exp(x) * 1e9) / 1e9)).toBe(true);
    const ps = uni({ type: "float", low: 0, high: 1, step: 0.1 }, [0.2, 0.3]);
    for (const x of ps.sample(new Rng(2), 300)[0] as Float64Array) expect(Math.abs(x * 10 - Math.round(x * 10))).toBeLessThan(1e-9);
  });
});
