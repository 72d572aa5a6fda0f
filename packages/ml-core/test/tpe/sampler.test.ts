import { Rng } from "../../src/core/rng";
import type { SearchSpace } from "../../src/core/search-space";
import { MlError } from "../../src/core/errors";
import { InvalidSearchSpaceError, ask, orderParams, type ParamValue, type TrialRecord } from "../../src/tpe/sampler";
import { OPTUNA_COMPATIBLE_SETTINGS, type TpeSettings } from "../../src/tpe/settings";

const sphereSpace: SearchSpace = { x: { type: "float", low: -5, high: 5 }, y: { type: "float", low: -5, high: 5 }, z: { type: "float", low: -5, high: 5 } };
const sphere = (p: Record<string, ParamValue>): number => Object.values(p).reduce<number>((s, v) => s + (v as number) ** 2, 0);

/** Runs `n` sequential trials and returns the best value found. */
function optimize(space: SearchSpace, f: (p: Record<string, ParamValue>) => number, seed: number, n: number, settings?: Partial<TpeSettings>): number {
  const rng = new Rng(seed);
  const history: TrialRecord[] = [];
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const params = ask(space, history, rng, settings);
    const value = f(params);
    best = Math.min(best, value);
    history.push({ number: i, params, value, state: "complete" });
  }
  return best;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[s.length >> 1] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

describe("ask", () => {
  it("samples at random (in bounds, every type) during the startup trials", () => {
    const space: SearchSpace = {
      lr: { type: "float", low: 1e-5, high: 1e-1, log: true },
      depth: { type: "int", low: 1, high: 12 },
      frac: { type: "float", low: 0, high: 1, step: 0.1 },
      kind: { type: "categorical", choices: ["a", "b", null] },
    };
    const rng = new Rng(4);
    const history: TrialRecord[] = [];
    for (let i = 0; i < 30; i++) {
      const p = ask(space, history, rng, { nStartupTrials: 10 });
      expect(p.lr).toBeGreaterThanOrEqual(1e-5);
      expect(p.lr).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(p.depth)).toBe(true);
      expect(p.depth).toBeGreaterThanOrEqual(1);
      expect(p.depth).toBeLessThanOrEqual(12);
      expect(Math.abs((p.frac as number) * 10 - Math.round((p.frac as number) * 10))).toBeLessThan(1e-9);
      expect(["a", "b", null]).toContain(p.kind);
      history.push({ number: i, params: p, value: (p.depth as number) + Math.log(p.lr as number), state: "complete" });
    }
  });

  it("does not use the history before nStartupTrials finished trials (running and failed don't count)", () => {
    const space: SearchSpace = { x: { type: "float", low: 0, high: 1 } };
    const few: TrialRecord[] = [
      ...Array.from({ length: 9 }, (_, i): TrialRecord => ({ number: i, params: { x: 0.5 }, value: 0, state: "complete" })),
      { number: 9, params: { x: 0.5 }, state: "running" },
      { number: 10, params: { x: 0.5 }, state: "failed" },
    ];
    // With 9 finished trials ask is random: the same as with no history for the same seed.
    expect(ask(space, few, new Rng(1))).toEqual(ask(space, [], new Rng(1)));
  });

  it("is deterministic for the same history and seed, and not for another seed", () => {
    const rng = new Rng(11);
    const history: TrialRecord[] = [];
    for (let i = 0; i < 20; i++) {
      const params = ask(sphereSpace, history, rng);
      history.push({ number: i, params, value: sphere(params), state: "complete" });
    }
    const a = ask(sphereSpace, history, new Rng(5));
    expect(ask(sphereSpace, history, new Rng(5))).toEqual(a);
    expect(ask(sphereSpace, [...history].reverse(), new Rng(5))).toEqual(a);
    expect(ask(sphereSpace, history, new Rng(6))).not.toEqual(a);
  });

  it("samples conditional parameters only when their parent takes a listed value, parents first", () => {
    const space: SearchSpace = {
      gamma: { type: "float", low: 1e-3, high: 10, log: true, condition: { param: "kernel", in: ["rbf", "poly"] } },
      degree: { type: "int", low: 2, high: 5, condition: { param: "kernel", in: ["poly"] } },
      coef: { type: "float", low: 0, high: 1, condition: { param: "degree", in: [3] } },
      kernel: { type: "categorical", choices: ["linear", "rbf", "poly"] },
      C: { type: "float", low: 0.01, high: 100, log: true },
    };
    expect(orderParams(space).indexOf("kernel")).toBeLessThan(orderParams(space).indexOf("gamma"));
    expect(orderParams(space).indexOf("degree")).toBeLessThan(orderParams(space).indexOf("coef"));
    const rng = new Rng(2);
    const history: TrialRecord[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const p = ask(space, history, rng);
      seen.add(String(p.kernel));
      expect("C" in p).toBe(true);
      expect("gamma" in p).toBe(p.kernel === "rbf" || p.kernel === "poly");
      expect("degree" in p).toBe(p.kernel === "poly");
      expect("coef" in p).toBe(p.kernel === "poly" && p.degree === 3);
      const value = (p.kernel === "rbf" ? 0 : 1) + Math.abs(Math.log10(p.C as number)) + (p.gamma !== undefined ? Math.abs(Math.log10(p.gamma as number)) : 0);
      history.push({ number: i, params: p, value, state: "complete" });
    }
    expect(seen.size).toBe(3);
    // TPE learned that rbf is best: most later trials use it.
    const late = history.slice(20).filter((t) => t.params.kernel === "rbf").length;
    expect(late).toBeGreaterThan(10);
  });

  it("rejects conditions on unknown parameters and cycles", () => {
    expect(() => ask({ a: { type: "int", low: 0, high: 1, condition: { param: "b", in: [1] } } }, [], new Rng(1))).toThrow(InvalidSearchSpaceError);
    expect(() =>
      ask({ a: { type: "int", low: 0, high: 1, condition: { param: "b", in: [1] } }, b: { type: "int", low: 0, high: 1, condition: { param: "a", in: [1] } } }, [], new Rng(1)),
    ).toThrow(/cycle/);
  });

  it("refuses a malformed space with an MlError the service answers with 400 INVALID_SEARCH_SPACE", () => {
    const bad = () => ask({ a: { type: "int", low: 0, high: 1, condition: { param: "b", in: [1] } } }, [], new Rng(1));
    expect(bad).toThrow(MlError);
    expect(bad).toThrow(expect.objectContaining({ code: "INVALID_SEARCH_SPACE", status: 400, name: "InvalidSearchSpaceError", message: expect.stringMatching(/`a` is conditioned on `b`/) }));
  });

  it("with constant liar, parallel asks spread out instead of piling on the same point", () => {
    const space: SearchSpace = { x: { type: "float", low: 0, high: 10 } };
    const spread = (constantLiar: boolean): number => {
      const rng = new Rng(8);
      const history: TrialRecord[] = Array.from({ length: 30 }, (_, i): TrialRecord => {
        const x = 10 * ((i * 0.618034) % 1);
        return { number: i, params: { x }, value: (x - 3) ** 2, state: "complete" };
      });
      // 8 workers ask one after the other before any of them reports.
      const xs: number[] = [];
      for (let w = 0; w < 8; w++) {
        const p = ask(space, history, rng, { constantLiar });
        xs.push(p.x as number);
        history.push({ number: 30 + w, params: p, state: "running" });
      }
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      return Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    };
    expect(spread(true)).toBeGreaterThan(1.5 * spread(false));
  });

  it("maximises when asked to", () => {
    const space: SearchSpace = { x: { type: "float", low: 0, high: 1 } };
    const rng = new Rng(3);
    const history: TrialRecord[] = [];
    for (let i = 0; i < 40; i++) {
      const p = ask(space, history, rng, { direction: "maximize" });
      history.push({ number: i, params: p, value: p.x as number, state: "complete" });
    }
    const late = history.slice(20).map((t) => t.params.x as number);
    expect(late.reduce((a, b) => a + b, 0) / late.length).toBeGreaterThan(0.75);
  });

  it("ranks pruned trials after complete ones and ignores failed ones", () => {
    const space: SearchSpace = { x: { type: "float", low: 0, high: 1 } };
    const history: TrialRecord[] = [];
    for (let i = 0; i < 20; i++) {
      const x = (i + 0.5) / 20;
      // Good region near x = 0.1 among complete trials; pruned trials near x = 0.9 report tiny
      // intermediate values and failed trials near 0.5 carry misleading values.
      if (x > 0.8) history.push({ number: i, params: { x }, state: "pruned", intermediate: [-100, -1000] });
      else if (x > 0.4 && x < 0.6) history.push({ number: i, params: { x }, value: -1e9, state: "failed" });
      else history.push({ number: i, params: { x }, value: Math.abs(x - 0.1), state: "complete" });
    }
    const rng = new Rng(1);
    const xs = Array.from({ length: 30 }, () => ask(space, history, rng).x as number);
    expect(median(xs)).toBeLessThan(0.3);
  });

  it("supports multivariate TPE with conditional parameters sampled independently", () => {
    const space: SearchSpace = { ...sphereSpace, mode: { type: "categorical", choices: ["a", "b"] }, extra: { type: "int", low: 0, high: 3, condition: { param: "mode", in: ["b"] } } };
    const best = optimize(space, (p) => sphere({ x: p.x!, y: p.y!, z: p.z! }) + (p.mode === "a" ? 0 : 1), 1, 60, { multivariate: true });
    expect(best).toBeLessThan(5);
  });

  it("beats random search on a sphere in median over seeds", () => {
    const seeds = [1, 2, 3, 4, 5, 6, 7];
    const tpe = seeds.map((s) => optimize(sphereSpace, sphere, s, 60));
    const random = seeds.map((s) => optimize(sphereSpace, sphere, s, 60, { nStartupTrials: 1e9 }));
    expect(median(tpe)).toBeLessThan(0.5 * median(random));
  });

  it("samples conditional parameters sharing a condition as one group, and optimises them (default settings)", () => {
    const space: SearchSpace = {
      mode: { type: "categorical", choices: ["off", "on"] },
      a: { type: "float", low: -1, high: 1, condition: { param: "mode", in: ["on"] } },
      b: { type: "float", low: -1, high: 1, condition: { param: "mode", in: ["on"] } },
      c: { type: "int", low: 0, high: 9 },
    };
    const f = (p: Record<string, ParamValue>): number => (p.mode === "on" ? ((p.a as number) - 0.3) ** 2 + ((p.a as number) + (p.b as number)) ** 2 : 1) + 0.01 * Math.abs((p.c as number) - 4);
    const rng = new Rng(5);
    const history: TrialRecord[] = [];
    for (let i = 0; i < 60; i++) {
      const p = ask(space, history, rng);
      expect("a" in p && "b" in p).toBe(p.mode === "on");
      history.push({ number: i, params: p, value: f(p), state: "complete" });
    }
    expect(Math.min(...history.map((t) => t.value as number))).toBeLessThan(0.05);
    expect(history.slice(40).filter((t) => t.params.mode === "on").length).toBeGreaterThan(14);
  });

  it("the default (Watanabe 2023) searches better than the Optuna-compatible settings on a 4-d Rosenbrock", () => {
    const space: SearchSpace = Object.fromEntries([0, 1, 2, 3].map((i) => [`x${i}`, { type: "float", low: -2, high: 2 }]));
    const rosen = (p: Record<string, ParamValue>): number => [0, 1, 2].reduce((s, i) => s + 100 * ((p[`x${i + 1}`] as number) - (p[`x${i}`] as number) ** 2) ** 2 + (1 - (p[`x${i}`] as number)) ** 2, 0);
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const ours = seeds.map((s) => optimize(space, rosen, s, 80));
    const optuna = seeds.map((s) => optimize(space, rosen, s, 80, OPTUNA_COMPATIBLE_SETTINGS));
    expect(median(ours)).toBeLessThan(median(optuna));
  });
});

describe("orderParams at the door", () => {
  it("refuses a condition on a value its categorical parent never takes", () => {
    const space: SearchSpace = { penalty: { type: "categorical", choices: ["l1", "l2"] }, l1_ratio: { type: "float", low: 0, high: 1, condition: { param: "penalty", in: ["elasticnet"] } } };
    expect(() => orderParams(space)).toThrow(expect.objectContaining({ code: "INVALID_SEARCH_SPACE", message: expect.stringMatching(/`l1_ratio` is conditioned on `penalty` being \["elasticnet"\]/) }));
    expect(orderParams({ ...space, penalty: { type: "categorical", choices: ["l1", "l2", "elasticnet"] } })).toEqual(["penalty", "l1_ratio"]);
  });
});
