import { DEFAULT_TPE_SETTINGS, OPTUNA_COMPATIBLE_SETTINGS, defaultGamma, defaultWeights, linearGamma, uniformWeights } from "../../src/tpe/settings";

describe("settings", () => {
  it("defaultGamma is min(ceil(0.1 n), 25)", () => {
    expect([0, 1, 10, 11, 100, 249, 251, 1000].map(defaultGamma)).toEqual([0, 1, 1, 2, 10, 25, 25, 25]);
  });

  it("defaultWeights is flat below 25 and ramps the oldest n - 25 from 1/n to 1 (Optuna's default_weights(30))", () => {
    expect(Array.from(defaultWeights(24))).toEqual(new Array(24).fill(1));
    const w = defaultWeights(30);
    // np.linspace(1/30, 1, 5) then 25 ones, from optuna.samplers._tpe.sampler.default_weights(30).
    [0.03333333333333333, 0.275, 0.5166666666666667, 0.7583333333333333, 1.0].forEach((v, i) => expect(w[i]).toBeCloseTo(v, 14));
    expect(Array.from(w.subarray(5))).toEqual(new Array(25).fill(1));
    expect(defaultWeights(26)[0]).toBeCloseTo(1 / 26, 14);
    expect(defaultWeights(0).length).toBe(0);
  });

  it("linearGamma(beta) is ceil(beta n) without a cap; uniformWeights are ones", () => {
    expect([0, 1, 10, 11, 100, 1000].map(linearGamma(0.15))).toEqual([0, 1, 2, 2, 15, 150]);
    expect(Array.from(uniformWeights(3))).toEqual([1, 1, 1]);
  });

  it("OPTUNA_COMPATIBLE_SETTINGS are Optuna 3.1's defaults (plus the constant liar) and frozen", () => {
    expect(OPTUNA_COMPATIBLE_SETTINGS).toMatchObject({
      nStartupTrials: 10, nEiCandidates: 24, priorWeight: 1, considerMagicClip: true, minBandwidthFactor: 0.01, magicClipExponent: 1, considerEndpoints: false,
      multivariate: false, group: false, multivariateBandwidth: "scott", normalisedKernels: false, belowWeighting: "chronological", constantLiar: true,
      gamma: defaultGamma, weights: defaultWeights,
    });
    expect(Object.isFrozen(OPTUNA_COMPATIBLE_SETTINGS)).toBe(true);
  });

  it("the default is Watanabe (2023)'s recommended setting with groups and the constant liar, frozen", () => {
    expect(DEFAULT_TPE_SETTINGS).toMatchObject({
      nStartupTrials: 10, nEiCandidates: 24, priorWeight: 1, considerMagicClip: true, minBandwidthFactor: 0.03, magicClipExponent: 2, considerEndpoints: true,
      multivariate: true, group: true, multivariateBandwidth: "neighbours", belowWeighting: "ei", normalisedKernels: true, constantLiar: true, weights: uniformWeights,
    });
    expect(DEFAULT_TPE_SETTINGS.gamma(100)).toBe(15);
    expect(Object.isFrozen(DEFAULT_TPE_SETTINGS)).toBe(true);
  });
});
