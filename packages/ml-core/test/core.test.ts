import { Rng, defineParams, int, oneOf, float, InvalidHyperparameterError } from "../src/core";
import { encode, decode } from "../src/persist";

describe("Rng", () => {
  it("gives the same stream for the same seed and another for another seed", () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it("draws integers uniformly in range", () => {
    const rng = new Rng(1);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60000; i++) counts[rng.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400);
  });

  it("draws standard normals", () => {
    const rng = new Rng(7);
    let s = 0, s2 = 0;
    const n = 50000;
    for (let i = 0; i < n; i++) { const x = rng.normal(); s += x; s2 += x * x; }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.03);
  });

  it("samples k values without replacement, each value as likely as another, leaving its input alone", () => {
    const values = Float64Array.from({ length: 10 }, (_, i) => i);
    const counts = new Array(10).fill(0);
    const rng = new Rng(3);
    for (let t = 0; t < 20000; t++) {
      const s = rng.sample(values, 3);
      expect(new Set(s).size).toBe(3);
      for (const v of s) counts[v]++;
    }
    for (const c of counts) expect(Math.abs(c - 6000)).toBeLessThan(300);
    expect(Array.from(values)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(new Rng(1).sample(values, 20)).sort((a, b) => a - b)).toEqual(Array.from(values));
  });
});

describe("defineParams", () => {
  const params = defineParams({
    n_estimators: int({ default: 100, min: 1, description: "trees" }),
    criterion: oneOf(["gini", "entropy"] as const, { default: "gini", description: "split quality" }),
    alpha: float({ default: 0.5, min: 0, exclusiveMin: true, description: "alpha" }),
  });

  it("fills in defaults", () => {
    expect(params.parse({ n_estimators: 5 })).toEqual({ n_estimators: 5, criterion: "gini", alpha: 0.5 });
    expect(params.defaults).toEqual({ n_estimators: 100, criterion: "gini", alpha: 0.5 });
  });

  it("names the bad parameter and its bound", () => {
    expect(() => params.parse({ n_estimators: 0 })).toThrow("`n_estimators` must be at least 1, but got 0.");
    expect(() => params.parse({ alpha: 0 })).toThrow(InvalidHyperparameterError);
    expect(() => params.parse({ bogus: 1 })).toThrow(/Unknown hyperparameter `bogus`; valid ones are: n_estimators, criterion, alpha/);
  });

  it("documents every parameter", () => {
    expect(params.docs.map((d) => d.name)).toEqual(["n_estimators", "criterion", "alpha"]);
    expect(params.docs[1]).toMatchObject({ type: "enum", values: ["gini", "entropy"], default: "gini" });
  });
});

describe("persist codec", () => {
  it("round-trips nested state with typed arrays and non-finite numbers", () => {
    const state = { a: new Float64Array([1.5, NaN, -Infinity]), b: [new Int32Array([1, 2, 3]), { c: new Uint8Array([255, 0, 7]) }], d: "x", e: null, f: Infinity };
    const back = decode(encode(state)) as any;
    expect(back.a).toBeInstanceOf(Float64Array);
    expect(Array.from(back.a)).toEqual([1.5, NaN, -Infinity]);
    expect(back.b[0]).toEqual(new Int32Array([1, 2, 3]));
    expect(back.b[1].c).toEqual(new Uint8Array([255, 0, 7]));
    expect(back.d).toBe("x");
    expect(back.e).toBeNull();
    expect(back.f).toBe(Infinity);
  });

  it("refuses a buffer that is not a saved model", () => {
    expect(() => decode(Buffer.from("hello world, not a model"))).toThrow(/bad magic/);
  });
});
