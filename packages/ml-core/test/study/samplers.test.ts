import sobolFixture from "../fixtures/sobol-scipy.json";
import { Rng } from "../../src/core/rng";
import type { SearchSpace } from "../../src/core/search-space";
import { ask } from "../../src/tpe/sampler";
import { GridSampler, PRUNER_DOCS, QmcSampler, RandomSampler, SAMPLER_DOCS, Sobol, TpeSampler, gridPoints, makeSampler, samplerConfigSchema, type Params, type SampleContext, type TrialRecord } from "../../src/study";

const ctx = (index: number, seed = 7): SampleContext => ({ direction: "maximize", seed, index });
const space: SearchSpace = {
  kind: { type: "categorical", choices: ["a", "b"] },
  depth: { type: "int", low: 1, high: 3 },
  lr: { type: "float", low: 0.001, high: 0.1, log: true },
  gamma: { type: "float", low: 0, high: 1, step: 0.5, condition: { param: "kind", in: ["b"] } },
};

describe("TpeSampler", () => {
  it("proposes what tpe's ask proposes for the same history, seed and direction", () => {
    const history: TrialRecord[] = Array.from({ length: 15 }, (_, i) => ({ number: i, params: { x: i / 15 }, value: -((i / 15 - 0.3) ** 2), state: "complete" }));
    const s: SearchSpace = { x: { type: "float", low: 0, high: 1 } };
    expect(new TpeSampler().ask(s, history, new Rng(3), ctx(15))).toEqual(ask(s, history, new Rng(3), { direction: "maximize" }));
  });
});

describe("RandomSampler", () => {
  it("is uniform on each scale, in bounds, deterministic, and leaves inactive parameters out", () => {
    const draws = Array.from({ length: 2000 }, (_, i) => new RandomSampler().ask(space, [], new Rng(i), ctx(i)));
    expect(new RandomSampler().ask(space, [], new Rng(5), ctx(0))).toEqual(draws[5]);
    for (const p of draws) {
      expect(["a", "b"]).toContain(p.kind);
      expect("gamma" in p).toBe(p.kind === "b");
      expect(p.lr).toBeGreaterThanOrEqual(0.001);
      expect(p.lr).toBeLessThanOrEqual(0.1);
    }
    // log-uniform: about half below the geometric middle 0.01.
    const below = draws.filter((p) => (p.lr as number) < 0.01).length / draws.length;
    expect(below).toBeGreaterThan(0.45);
    expect(below).toBeLessThan(0.55);
    for (const d of [1, 2, 3]) expect(draws.filter((p) => p.depth === d).length).toBeGreaterThan(550);
  });
});

describe("GridSampler", () => {
  it("counts the grid by hand: kind a (3 depths x 5 lrs) + kind b (x 3 gammas)", () => {
    expect(new GridSampler(5).capacity(space)).toBe(15 + 45);
    expect(gridPoints({ lr: { type: "float", low: 0.001, high: 0.1, log: true } }, 3).map((p) => p.lr)).toEqual([0.001, expect.closeTo(0.01, 12), 0.1]);
  });

  it("visits every point exactly once over indices 0..n-1, in an order set by the seed", () => {
    const sampler = new GridSampler(5);
    const n = sampler.capacity(space);
    const seen = Array.from({ length: n }, (_, i) => JSON.stringify(sampler.ask(space, [], new Rng(0), ctx(i))));
    expect(new Set(seen).size).toBe(n);
    expect(new Set(seen)).toEqual(new Set(gridPoints(space, 5).map((p) => JSON.stringify(p))));
    const other = Array.from({ length: n }, (_, i) => JSON.stringify(sampler.ask(space, [], new Rng(0), ctx(i, 8))));
    expect(other).not.toEqual(seen);
    expect(() => sampler.ask(space, [], new Rng(0), ctx(n))).toThrow(RangeError);
  });

  it("refuses a grid over 100,000 points, naming the parameter", () => {
    const huge: SearchSpace = { a: { type: "int", low: 0, high: 999 }, b: { type: "int", low: 0, high: 999 } };
    expect(() => new GridSampler().capacity(huge)).toThrow(/more than 100000 points \(at `b`/);
  });
});

describe("Sobol", () => {
  it.each(sobolFixture.cases.map((c) => [c.d, c] as const))("equals SciPy's unscrambled sequence in %i dimensions", (_, c) => {
    const sobol = new Sobol(c.d);
    c.points.forEach((p, n) => expect(sobol.point(n)).toEqual(p));
  });

  it("scrambled: seeded, still one point per interval of 1/2^k among the first 2^k", () => {
    const a = new Sobol(3, new Rng(1));
    expect(a.point(5)).toEqual(new Sobol(3, new Rng(1)).point(5));
    expect(a.point(5)).not.toEqual(new Sobol(3, new Rng(2)).point(5));
    for (let d = 0; d < 3; d++) {
      const bins = new Set(Array.from({ length: 64 }, (_, n) => Math.floor(a.point(n)[d]! * 64)));
      expect(bins.size).toBe(64);
    }
  });
});

describe("QmcSampler", () => {
  it("maps the Sobol' points onto the ranges: point 0 is every low, point 1 the middle", () => {
    const s: SearchSpace = { x: { type: "float", low: -2, high: 2 }, lr: { type: "float", low: 0.001, high: 0.1, log: true }, k: { type: "categorical", choices: ["a", "b"] } };
    const q = new QmcSampler();
    expect(q.ask(s, [], new Rng(0), ctx(0))).toEqual({ x: -2, lr: expect.closeTo(0.001, 15), k: "a" });
    const mid = q.ask(s, [], new Rng(0), ctx(1));
    expect(mid.x).toBe(0);
    expect(mid.lr).toBeCloseTo(0.01, 12);
    expect(mid.k).toBe("b");
  });

  it("draws conditional parameters at random, and scrambles with the study's seed", () => {
    const q = new QmcSampler(true);
    const p: Params = q.ask(space, [], new Rng(0), ctx(3));
    expect(p).toEqual(q.ask(space, [], new Rng(0), ctx(3)));
    expect(p).not.toEqual(q.ask(space, [], new Rng(0), ctx(3, 8)));
    expect("gamma" in p).toBe(p.kind === "b");
  });
});

describe("samplerConfigSchema", () => {
  it("takes a name or {name, ...settings}, fills the defaults, and refuses unknown names and settings", () => {
    expect(samplerConfigSchema.parse("grid")).toEqual({ name: "grid", n_points: 5 });
    expect(samplerConfigSchema.parse({ name: "qmc", scramble: true })).toEqual({ name: "qmc", scramble: true });
    expect(samplerConfigSchema.safeParse("cmaes").success).toBe(false);
    expect(samplerConfigSchema.safeParse({ name: "grid", n_points: 1 }).success).toBe(false);
    expect(samplerConfigSchema.safeParse({ name: "tpe", n_points: 3 }).success).toBe(false);
    expect(makeSampler(samplerConfigSchema.parse("random"))).toBeInstanceOf(RandomSampler);
  });
});

describe("SAMPLER_DOCS and PRUNER_DOCS", () => {
  it("list every sampler and pruner with their settings and defaults", () => {
    expect(SAMPLER_DOCS.map((d) => d.name)).toEqual(["tpe", "random", "grid", "qmc"]);
    expect(PRUNER_DOCS.map((d) => d.name)).toEqual(["none", "median", "percentile", "successive_halving", "hyperband"]);
    expect(PRUNER_DOCS.find((d) => d.name === "hyperband")!.settings.find((s) => s.name === "max_resource")).toMatchObject({ default: "auto" });
    expect(SAMPLER_DOCS.find((d) => d.name === "grid")!.settings).toEqual([expect.objectContaining({ name: "n_points", default: 5, description: expect.stringContaining("float") })]);
  });
});
