import { checkBudget, checkSearchSpace, type BudgetLimits } from "../../src/core/budget";
import type { AlgorithmSpec, StateValue } from "../../src/core/estimator";
import { InvalidHyperparameterError, MlError } from "../../src/core/errors";
import { defineParams, int, oneOf } from "../../src/core/hyperparams";
import { ALGORITHMS, getAlgorithm } from "../../src/registry";

const limits: BudgetLimits = { maxModelParams: 10_000_000 };

/** Every algorithm that declares what its model costs; a new one is covered by declaring it. */
const SIZED = ALGORITHMS.filter((a) => a.modelSize);

/** A small parameter set per sized algorithm, quick to fit. */
const SMALL: Readonly<Record<string, Record<string, unknown>>> = {
  MLPClassifier: { hidden_layer_sizes: [7, 5], max_iter: 2 },
  MLPRegressor: { hidden_layer_sizes: [7, 5], max_iter: 2 },
};

/** How many numbers a fitted model holds: every element of the typed arrays of its state. */
function learnedNumbers(value: StateValue): number {
  if (ArrayBuffer.isView(value)) return (value as Float64Array).length;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + learnedNumbers(v), 0);
  if (value !== null && typeof value === "object") return Object.values(value).reduce((n: number, v) => n + learnedNumbers(v as StateValue), 0);
  return 0;
}

/** `rows` rows of `cols` features, with `nClasses` classes (0 = a regression target). */
function data(rows: number, cols: number, nClasses: number) {
  const X = { data: Float64Array.from({ length: rows * cols }, (_, i) => Math.sin(i)), rows, cols };
  const y = Float64Array.from({ length: rows }, (_, i) => (nClasses ? i % nClasses : Math.cos(i)));
  return { X, y };
}

function thrown(fn: () => void): MlError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MlError);
    return e as MlError;
  }
  throw new Error("expected an MlError");
}

it("covers at least the MLPs", () => {
  expect(SIZED.map((a) => a.name)).toEqual(expect.arrayContaining(["MLPClassifier", "MLPRegressor"]));
});

describe.each(SIZED.map((a) => [a.name, a] as const))("%s: modelSize", (_, spec) => {
  const cases = spec.task === "classification" ? [2, 3] : [0];

  it.each(cases)("counts what a fit learns (%i classes)", async (nClasses) => {
    const params = spec.params.parse(SMALL[spec.name] ?? {});
    const { X, y } = data(30, 4, nClasses);
    const model = await spec.create(params).fit(X, y, { nClasses: nClasses || undefined });
    const counted = spec.modelSize!.count(params, { nFeatures: 4, nClasses: nClasses || undefined });
    expect(counted).toBe(learnedNumbers(model.toState().state));
    model.dispose?.();
  });

  it("lets the defaults through on a dataset of a thousand features", () => {
    expect(() => checkBudget(spec, spec.params.defaults, { nFeatures: 1000, nClasses: 10 }, limits)).not.toThrow();
  });

  it("refuses a model over MAX_MODEL_PARAMS, naming the parameter, its value, the size and the limit", () => {
    const params = spec.params.parse({ [spec.modelSize!.param]: bomb(spec) });
    const size = spec.modelSize!.count(params, { nFeatures: 4 });
    expect(size).toBeGreaterThan(limits.maxModelParams);
    const err = thrown(() => checkBudget(spec, params, { nFeatures: 4 }, limits));
    expect(err).toBeInstanceOf(InvalidHyperparameterError);
    expect(err).toMatchObject({ code: "INVALID_HYPERPARAMETER", status: 400 });
    expect(err.message).toContain(`\`${spec.modelSize!.param}\` ${JSON.stringify(params[spec.modelSize!.param])}`);
    expect(err.message).toContain(size.toLocaleString("en-US"));
    expect(err.message).toContain("MAX_MODEL_PARAMS (10,000,000)");
    expect(err.details).toMatchObject({ param: spec.modelSize!.param, size, max: limits.maxModelParams, limit: "MAX_MODEL_PARAMS" });
  });

  it("takes the limit itself, and refuses one less", () => {
    const params = spec.params.defaults;
    const size = spec.modelSize!.count(params, { nFeatures: 20 });
    expect(() => checkBudget(spec, params, { nFeatures: 20 }, { maxModelParams: size })).not.toThrow();
    expect(() => checkBudget(spec, params, { nFeatures: 20 }, { maxModelParams: size - 1 })).toThrow(InvalidHyperparameterError);
  });

  it("grows with the width, so a header's lower bound refuses only what the encoded data would", () => {
    const params = spec.params.defaults;
    const narrow = spec.modelSize!.count(params, { nFeatures: 10 });
    expect(spec.modelSize!.count(params, { nFeatures: 11 })).toBeGreaterThan(narrow);
    if (spec.task === "classification") expect(spec.modelSize!.count(params, { nFeatures: 10, nClasses: 5 })).toBeGreaterThan(narrow);
  });
});

/** A value of the sizing parameter that makes a model far over any sane limit. */
function bomb(spec: AlgorithmSpec): unknown {
  if (spec.modelSize!.param === "hidden_layer_sizes") return [100_000, 100_000];
  throw new Error(`no bomb known for ${spec.name}: add one`);
}

describe("MLP weights", () => {
  it("counts weights and biases per layer: 4 -> 100000 -> 100000 -> 1", () => {
    const spec = getAlgorithm("MLPClassifier");
    const params = spec.params.parse({ hidden_layer_sizes: [100_000, 100_000] });
    expect(spec.modelSize!.count(params, { nFeatures: 4 })).toBe(4 * 1e5 + 1e5 + 1e5 * 1e5 + 1e5 + 1e5 + 1);
    const err = thrown(() => checkBudget(spec, params, { nFeatures: 4 }, limits));
    expect(err.message).toBe("`hidden_layer_sizes` [100000,100000] gives 10,000,700,001 weights for 4 input features, more than MAX_MODEL_PARAMS (10,000,000).");
  });
});

describe("checkSearchSpace", () => {
  it.each(ALGORITHMS.map((a) => [a.name, a] as const))("lets %s's default search space through", (_, spec) => {
    expect(() => checkSearchSpace(spec, spec.searchSpace, { nFeatures: 100, nClasses: 10 }, limits)).not.toThrow();
  });

  it("refuses a bound over a parameter's cap, naming the parameter and the value", () => {
    const rf = getAlgorithm("RandomForestClassifier");
    const err = thrown(() => checkSearchSpace(rf, { n_estimators: { type: "int", low: 10, high: 100_000 } }, { nFeatures: 4 }, limits));
    expect(err).toMatchObject({ code: "INVALID_SEARCH_SPACE", status: 400, details: { param: "n_estimators", value: 100_000 } });
    expect(err.message).toContain("`n_estimators` reaches 100000");
    expect(err.message).toContain("at most 5000");
  });

  it("judges the highest point of a stepped range, not the stated high", () => {
    const rf = getAlgorithm("RandomForestClassifier");
    expect(() => checkSearchSpace(rf, { n_estimators: { type: "int", low: 10, high: 5009, step: 10 } }, { nFeatures: 4 }, limits)).not.toThrow();
  });

  it("refuses a choice the parameter does not take, a float range on an integer and an unknown name", () => {
    const rf = getAlgorithm("RandomForestClassifier");
    expect(thrown(() => checkSearchSpace(rf, { criterion: { type: "categorical", choices: ["gini", "mse"] } }, { nFeatures: 4 }, limits)).message).toContain('`criterion` reaches "mse"');
    expect(thrown(() => checkSearchSpace(rf, { n_estimators: { type: "float", low: 10, high: 100 } }, { nFeatures: 4 }, limits)).message).toContain('use "type": "int"');
    expect(thrown(() => checkSearchSpace(rf, { n_trees: { type: "int", low: 1, high: 5 } }, { nFeatures: 4 }, limits)).details).toEqual({ param: "n_trees" });
    const mlp = getAlgorithm("MLPClassifier");
    expect(thrown(() => checkSearchSpace(mlp, { hidden_layer_sizes: { type: "int", low: 10, high: 100 } }, { nFeatures: 4 }, limits)).details).toMatchObject({ param: "hidden_layer_sizes" });
  });

  it("judges each value alone, so choices that are only invalid together with a default pass", () => {
    const lr = getAlgorithm("LogisticRegression");
    expect(() => lr.params.parse({ penalty: "l1" })).toThrow(InvalidHyperparameterError); // l1 needs another solver
    expect(() => checkSearchSpace(lr, { penalty: { type: "categorical", choices: ["l1", "l2"] } }, { nFeatures: 4 }, limits)).not.toThrow();
  });

  it("refuses a space whose largest point is over MAX_MODEL_PARAMS at the dataset's width", () => {
    const mlp = getAlgorithm("MLPClassifier");
    const space = { alpha: { type: "float", low: 1e-5, high: 1e-1, log: true } } as const;
    expect(() => checkSearchSpace(mlp, space, { nFeatures: 20 }, { maxModelParams: 10_000 })).not.toThrow();
    const err = thrown(() => checkSearchSpace(mlp, space, { nFeatures: 200 }, { maxModelParams: 10_000 }));
    expect(err.code).toBe("INVALID_SEARCH_SPACE");
    expect(err.message).toBe("At the largest point of search_space, `hidden_layer_sizes` [100] gives 20,201 weights for 200 input features, more than MAX_MODEL_PARAMS (10,000).");
  });

  it("puts numbers at their high and categoricals at their costliest choice", () => {
    const params = defineParams({
      units: int({ default: 1, min: 1, description: "units" }),
      size: oneOf(["small", "big", "medium"] as const, { default: "small", description: "size" }),
    });
    const spec: AlgorithmSpec<ReturnType<typeof params.parse>> = {
      ...getAlgorithm("MLPRegressor"),
      params,
      modelSize: { param: "units", unit: "weights", count: (p, s) => p.units * s.nFeatures * { small: 1, medium: 2, big: 10 }[p.size] },
    };
    const space = { units: { type: "int", low: 1, high: 100 }, size: { type: "categorical", choices: ["small", "big", "medium"] } } as const;
    expect(() => checkSearchSpace(spec, space, { nFeatures: 10 }, { maxModelParams: 10_000 })).not.toThrow();
    expect(thrown(() => checkSearchSpace(spec, space, { nFeatures: 10 }, { maxModelParams: 9_999 })).details).toMatchObject({ size: 10_000 });
  });
});
