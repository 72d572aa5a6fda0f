import type { AlgorithmSpec, Estimator, EstimatorState, FitOptions, Task } from "../src/core/estimator";
import { InvalidHyperparameterError, NotFittedError } from "../src/core/errors";
import type { Matrix } from "../src/core/matrix";
import { searchSpaceSchema } from "../src/core/search-space";
import { ENSEMBLE_ALGORITHMS } from "../src/ensemble/specs";
import { decode, encode, loadModel, saveModel } from "../src/persist";
import { ALGORITHMS } from "../src/registry";
import { prepareDataset, type PreparedDataset } from "./prepare-dataset";

// The estimator contract (core/estimator.ts), checked for every algorithm of the registry: a new
// algorithm is covered by being registered.

/**
 * Smaller fits for the algorithms whose defaults are slow. Any other algorithm, a new one
 * included, runs with its defaults.
 */
const FAST: Readonly<Record<string, Record<string, unknown>>> = {
  RandomForestClassifier: { n_estimators: 10, n_jobs: 1 },
  RandomForestRegressor: { n_estimators: 10, n_jobs: 1 },
  GradientBoostingClassifier: { n_estimators: 20 },
  GradientBoostingRegressor: { n_estimators: 20 },
  HistGradientBoostingClassifier: { max_iter: 20 },
  HistGradientBoostingRegressor: { max_iter: 20 },
  MLPClassifier: { hidden_layer_sizes: [16], max_iter: 20 },
  MLPRegressor: { hidden_layer_sizes: [16], max_iter: 20 },
};

/** Tree ensembles split raw features: they are not standardised and take missing values as they are. */
const RAW_FEATURES = new Set<AlgorithmSpec>(ENSEMBLE_ALGORITHMS);

/**
 * Two real problems per task, prepared as a train job does (split, then the Pipeline), with
 * different numbers of features (and of classes), so that a refit must replace everything.
 */
const PROBLEMS: Record<Task, readonly [file: string, target: string][]> = {
  classification: [["iris.csv", "species"], ["breast_cancer.csv", "diagnosis"]],
  regression: [["diabetes.csv", "progression"], ["iris.csv", "petal_width_cm"]],
};

const cache = new Map<string, Promise<PreparedDataset>>();
function problems(spec: AlgorithmSpec): Promise<PreparedDataset[]> {
  return Promise.all(PROBLEMS[spec.task].map(([file, target]) => {
    const key = `${file}/${target}/${spec.task}/${spec.scale}`;
    if (!cache.has(key)) cache.set(key, prepareDataset(file, target, spec.task, { scale: spec.scale }));
    return cache.get(key)!;
  }));
}

const fitOptions = (d: PreparedDataset): FitOptions => (d.nClasses === undefined ? {} : { nClasses: d.nClasses });
const fit = (e: Estimator, d: PreparedDataset, y: Float64Array = d.ytrain) => e.fit(d.Xtrain, y, fitOptions(d));
/** Another target on the same rows: the classes shifted by one, or the values negated. */
const relabel = (d: PreparedDataset) => (d.nClasses === undefined ? d.ytrain.map((v) => -v) : d.ytrain.map((v) => (v + 1) % d.nClasses!));
/** Predictions and, where the estimator gives them, probabilities. */
const outputs = (e: Estimator, X: Matrix) => ({ predict: e.predict(X), proba: e.predictProba?.(X).data });

/** The error `parse` throws for `input`, or undefined. */
function parseError(spec: AlgorithmSpec, input: Record<string, unknown>): unknown {
  try {
    spec.params.parse(input);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe.each(ALGORITHMS.map((spec) => [spec.name, spec] as const))("%s conformance", (_name, spec) => {
  const takesSeed = spec.params.docs.some((d) => d.name === "random_state");
  const make = (): Estimator => spec.create(spec.params.parse({ ...(FAST[spec.name] ?? {}), ...(takesSeed ? { random_state: 7 } : {}) }));
  /** What this estimator offers (optional methods), seen on an unfitted one. */
  const unfitted = make();
  let A: PreparedDataset;
  let B: PreparedDataset;
  let fitted: Estimator;
  let fitResult: Estimator;

  beforeAll(async () => {
    [A, B] = (await problems(spec)) as [PreparedDataset, PreparedDataset];
    fitted = make();
    fitResult = await fit(fitted, A);
  });
  afterAll(() => fitted?.dispose?.());

  describe("declaration", () => {
    it("documents exactly the schema's parameters, each with a description and a default that validates", () => {
      const names = spec.params.docs.map((d) => d.name);
      expect([...names].sort()).toEqual(Object.keys((spec.params.schema as unknown as { shape: object }).shape).sort());
      for (const doc of spec.params.docs) {
        expect(doc.description.length).toBeGreaterThan(5);
        expect(spec.params.parse({ [doc.name]: doc.default })).toEqual(spec.params.defaults);
        expect((spec.params.defaults as Record<string, unknown>)[doc.name]).toEqual(doc.default);
      }
    });

    it("its defaults parse to themselves", () => {
      expect(spec.params.parse(spec.params.defaults)).toEqual(spec.params.defaults);
      expect(spec.params.parse({})).toEqual(spec.params.defaults);
    });

    it("refuses an unknown hyperparameter, a value of the wrong type and one out of range with a 400 InvalidHyperparameterError naming the parameter", () => {
      const cases: [param: string, value: unknown][] = [["not_a_param", 1]];
      for (const doc of spec.params.docs) {
        cases.push([doc.name, { not: "a value" }]);
        if (doc.min !== undefined) cases.push([doc.name, doc.min - 1]);
        if (doc.max !== undefined) cases.push([doc.name, doc.max + 1]);
      }
      const wrong = cases.filter(([param, value]) => {
        const e = parseError(spec, { [param]: value });
        return !(e instanceof InvalidHyperparameterError && e.code === "INVALID_HYPERPARAMETER" && e.status === 400 && e.message.includes(`\`${param}\``));
      });
      expect(wrong).toEqual([]);
    });

    it("declares a default search space over its own parameters, within their bounds", () => {
      const docs = new Map(spec.params.docs.map((d) => [d.name, d]));
      expect(Object.keys(spec.searchSpace).length).toBeGreaterThan(0);
      expect(() => searchSpaceSchema.parse(spec.searchSpace)).not.toThrow();
      for (const [name, dist] of Object.entries(spec.searchSpace)) {
        expect(docs.has(name)).toBe(true);
        if (dist.condition) expect(Object.keys(spec.searchSpace)).toContain(dist.condition.param);
        if (dist.type !== "categorical") {
          const { min, max } = docs.get(name)!;
          if (min !== undefined) expect(dist.low).toBeGreaterThanOrEqual(min);
          if (max !== undefined) expect(dist.high).toBeLessThanOrEqual(max);
        }
      }
    });

    it("has its features standardised unless it is a tree ensemble", () => {
      expect(spec.scale).toBe(!RAW_FEATURES.has(spec));
    });
  });

  it(`refuses predict${unfitted.predictProba ? ", predictProba" : ""} and toState before fit with NotFittedError`, () => {
    const e = make();
    expect(() => e.predict(A.Xtest)).toThrow(NotFittedError);
    if (e.predictProba) expect(() => e.predictProba!(A.Xtest)).toThrow(NotFittedError);
    expect(() => e.toState()).toThrow(NotFittedError);
  });

  it("fit resolves to the estimator itself", () => {
    expect(fitResult).toBe(fitted);
  });

  it(`predicts one ${spec.task === "classification" ? "class index" : "finite value"} per row${unfitted.predictProba ? ", and probabilities rows x classes summing to 1" : ""}`, () => {
    const p = fitted.predict(A.Xtest);
    expect(p).toHaveLength(A.Xtest.rows);
    expect(p.every(Number.isFinite)).toBe(true);
    if (spec.task === "classification") expect(p.every((c) => Number.isInteger(c) && c >= 0 && c < A.nClasses!)).toBe(true);
    if (fitted.predictProba) {
      const P = fitted.predictProba(A.Xtest);
      expect([P.rows, P.cols]).toEqual([A.Xtest.rows, A.nClasses]);
      expect(P.data.every((v) => v >= 0 && v <= 1)).toBe(true);
      for (let i = 0; i < P.rows; i++) expect(P.data.subarray(i * P.cols, (i + 1) * P.cols).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    }
  });

  it("refit replaces all learned state", async () => {
    const e = make();
    await fit(e, A);
    await fit(e, B); // other features, other classes
    const fresh = await fit(make(), B);
    expect(outputs(e, B.Xtest)).toEqual(outputs(fresh, B.Xtest));
    const before = e.predict(B.Xtest);
    const y2 = relabel(B);
    await fit(e, B, y2); // same rows, another target: predictions follow the new one only
    const fresh2 = await fit(make(), B, y2);
    expect(outputs(e, B.Xtest)).toEqual(outputs(fresh2, B.Xtest));
    expect(e.predict(B.Xtest)).not.toEqual(before);
    [e, fresh, fresh2].forEach((m) => m.dispose?.());
  });

  it(takesSeed ? "gives identical output for the same random_state" : "gives identical output when fitted twice", async () => {
    const again = await fit(make(), A);
    expect(outputs(again, A.Xtest)).toEqual(outputs(fitted, A.Xtest));
    again.dispose?.();
  });

  if (unfitted.fitColumns) {
    it("fitted from the table's columns (fitColumns) gives the model fit gives on the encoded matrix", async () => {
      const e = make();
      expect(await e.fitColumns!(A.pipeline.columns(A.table, A.trainRows), A.ytrain, fitOptions(A))).toBe(e);
      expect(outputs(e, A.Xtest)).toEqual(outputs(fitted, A.Xtest));
      e.dispose?.();
    });
  }

  it("round-trips through toState, the persist codec and spec.restore to identical predictions, probabilities and importances", () => {
    const restored = spec.restore(decode(encode(fitted.toState() as never)) as unknown as EstimatorState);
    expect(restored.algorithm).toBe(spec.name);
    expect(outputs(restored, A.Xtest)).toEqual(outputs(fitted, A.Xtest));
    if (fitted.featureImportances) expect(restored.featureImportances!()).toEqual(fitted.featureImportances());
    restored.dispose?.();
  });

  it("round-trips through saveModel / loadModel with its pipeline to identical predictions and probabilities", () => {
    const bytes = saveModel({
      algorithm: spec.name,
      task: spec.task,
      pipeline: A.pipeline,
      estimator: fitted,
      labels: A.labels,
      target: A.target,
      split: { testSize: 0.25, randomState: 42, datasetSha256: "conformance" },
    });
    const loaded = loadModel(bytes);
    expect([loaded.algorithm, loaded.task, loaded.labels]).toEqual([spec.name, spec.task, A.labels]);
    expect(outputs(loaded.estimator, loaded.pipeline.transform(A.table, A.testRows))).toEqual(outputs(fitted, A.Xtest));
    loaded.estimator.dispose?.();
  });

  if (unfitted.featureImportances) {
    it("gives normalised non-negative per-feature importances", () => {
      const imp = fitted.featureImportances!()!;
      expect(imp).toHaveLength(A.Xtrain.cols);
      expect(imp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      expect(imp.every((v) => v >= 0)).toBe(true);
    });
  }

  if (RAW_FEATURES.has(spec)) {
    it("predicts rows with missing values (raw features)", () => {
      const Xn: Matrix = { ...A.Xtest, data: A.Xtest.data.map((v, i) => (i % 7 === 0 ? NaN : v)) };
      const p = fitted.predict(Xn);
      expect(p).toHaveLength(Xn.rows);
      expect(p.every(Number.isFinite)).toBe(true);
    });
  }
});
