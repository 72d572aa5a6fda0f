import type { AlgorithmSpec, Estimator } from "../../src/core/estimator";
import { NotFittedError } from "../../src/core/errors";
import { decode, encode } from "../../src/persist";
import type { EstimatorState } from "../../src/core/estimator";
import { LINEAR_ALGORITHMS } from "../../src/linear/specs";
import { SVM_ALGORITHMS } from "../../src/svm/specs";
import { NEURAL_ALGORITHMS } from "../../src/neural/specs";
import { loadSplit, type Split } from "./datasets";

/** Small settings so the suite stays fast; everything else is the default. */
const FAST: Record<string, Record<string, unknown>> = {
  MLPClassifier: { hidden_layer_sizes: [16], max_iter: 20 },
  MLPRegressor: { hidden_layer_sizes: [16], max_iter: 20 },
};

const specs = [...LINEAR_ALGORITHMS, ...SVM_ALGORITHMS, ...NEURAL_ALGORITHMS];
const iris = loadSplit("iris.csv", "classification");
const wine = loadSplit("wine.csv", "classification");
const diabetes = loadSplit("diabetes.csv", "regression");

function data(spec: AlgorithmSpec, which: 0 | 1): Split {
  if (spec.task === "classification") return which === 0 ? iris : wine;
  // a second regression problem: diabetes with the target negated and shifted
  return which === 0 ? diabetes : { ...diabetes, ytrain: diabetes.ytrain.map((v) => 300 - v) };
}

function make(spec: AlgorithmSpec, extra: Record<string, unknown> = {}): Estimator {
  const names = new Set(spec.params.docs.map((d) => d.name));
  const seed = names.has("random_state") ? { random_state: 7 } : {};
  return spec.create(spec.params.parse({ ...(FAST[spec.name] ?? {}), ...seed, ...extra }));
}

const fit = (spec: AlgorithmSpec, e: Estimator, s: Split) => e.fit(s.Xtrain, s.ytrain, spec.task === "classification" ? { nClasses: s.nClasses } : {});

describe.each(specs.map((s) => [s.name, s] as const))("%s conformance", (_name, spec) => {
  it("declares scaling, a task, documented parameters and a search space over declared parameters", () => {
    expect(spec.scale).toBe(true);
    const names = new Set(spec.params.docs.map((d) => d.name));
    for (const key of Object.keys(spec.searchSpace)) expect(names).toContain(key);
    for (const doc of spec.params.docs) expect(doc.description.length).toBeGreaterThan(5);
  });

  it("refuses predict before fit with NotFittedError", () => {
    expect(() => make(spec).predict(iris.Xtest)).toThrow(NotFittedError);
  });

  it("fit resolves to the estimator itself and then predicts one value per row", async () => {
    const e = make(spec);
    const s = data(spec, 0);
    await expect(fit(spec, e, s)).resolves.toBe(e);
    const p = e.predict(s.Xtest);
    expect(p).toHaveLength(s.Xtest.rows);
    expect(p.every(Number.isFinite)).toBe(true);
  });

  it("refit replaces all learned state", async () => {
    const e = make(spec);
    await fit(spec, e, data(spec, 0));
    const s1 = data(spec, 1);
    await fit(spec, e, s1);
    const fresh = make(spec);
    await fit(spec, fresh, s1);
    expect(e.predict(s1.Xtest)).toEqual(fresh.predict(s1.Xtest));
  });

  it("gives identical output for the same seed", async () => {
    const s = data(spec, 0);
    const a = await fit(spec, make(spec), s);
    const b = await fit(spec, make(spec), s);
    expect(a.predict(s.Xtest)).toEqual(b.predict(s.Xtest));
  });

  it("round-trips through persist encode/decode to identical predictions", async () => {
    const s = data(spec, 0);
    const e = await fit(spec, make(spec), s);
    const restored = spec.restore(decode(encode(e.toState() as never)) as unknown as EstimatorState);
    expect(restored.predict(s.Xtest)).toEqual(e.predict(s.Xtest));
    if (e.predictProba) expect(restored.predictProba!(s.Xtest).data).toEqual(e.predictProba(s.Xtest).data);
    e.dispose?.();
    restored.dispose?.();
  });
});
