import { getAlgorithm } from "@mlw/ml-core";
import { parseCsv } from "@mlw/ml-core/data";
import { getScorer } from "@mlw/ml-core/metrics";
import { prepareTarget } from "@mlw/ml-core/preprocess";
import { crossValidate } from "../src/services/cross-validate";
import { seeded } from "../src/services/train-model";

describe("seeded", () => {
  it("seeds an estimator that takes a random_state from the request, unless the user set one", () => {
    const rf = getAlgorithm("RandomForestClassifier");
    expect(seeded(rf, { n_estimators: 5 }, 42)).toEqual({ n_estimators: 5, random_state: 42 });
    expect(seeded(rf, { random_state: 7 }, 42)).toEqual({ random_state: 7 });
    const ols = getAlgorithm("LinearRegression");
    expect(seeded(ols, {}, 42)).toEqual({});
  });
});

describe("crossValidate", () => {
  it("refuses a fold's model over the limit at its encoded width (one column, 40 categories)", async () => {
    const table = await parseCsv("c,y\n" + Array.from({ length: 120 }, (_, i) => `k${i % 40},${i}`).join("\n") + "\n");
    const spec = getAlgorithm("MLPRegressor");
    const params = spec.params.parse({ hidden_layer_sizes: [50], max_iter: 1 });
    const target = prepareTarget(table, "y", spec.task);
    const run = (maxModelParams: number) =>
      crossValidate(spec, params, table, target, "y", { folds: 2, randomState: 0, scorer: getScorer("r2", spec.task), limits: { maxModelParams } }, async () => "continue");
    // the header's width (1) gives 151 weights; the 40 one-hot features give 2,101
    await expect(run(1000)).rejects.toMatchObject({ code: "INVALID_HYPERPARAMETER", status: 400, message: expect.stringContaining("MAX_MODEL_PARAMS (1,000)") });
    await expect(run(10_000)).resolves.toMatchObject({ pruned: false });
  });

  it("encodes a table's folds once for every trial of a study, with the scores of folds encoded anew", async () => {
    const csv = "a,c,y\n" + Array.from({ length: 90 }, (_, i) => `${(i * 7) % 13},k${i % 3},${(i * 7) % 13 > 6 ? "p" : "q"}`).join("\n") + "\n";
    const base = getAlgorithm("HistGradientBoostingClassifier");
    const fitted: unknown[] = [];
    // the same estimator, noting the matrices it is fitted on
    const spec = {
      ...base,
      budgetStep: undefined,
      create: (params: unknown) => {
        const estimator = base.create(params);
        const fit = estimator.fit.bind(estimator);
        estimator.fit = (X, y, options) => (fitted.push(X), fit(X, y, options));
        return estimator;
      },
    };
    const params = spec.params.parse({ max_iter: 5, min_samples_leaf: 3, random_state: 0 });
    const cv = async (table: Awaited<ReturnType<typeof parseCsv>>, randomState = 0, foldCacheBytes = 2 ** 20) =>
      crossValidate(spec, params, table, prepareTarget(table, "y", spec.task), "y", { folds: 3, randomState, scorer: getScorer("log_loss", spec.task), limits: { maxModelParams: 1e9 }, foldCacheBytes }, async () => "continue");
    const table = await parseCsv(csv);
    const first = await cv(table);
    const again = await cv(table);
    expect(fitted).toHaveLength(6);
    for (let f = 0; f < 3; f++) expect(fitted[3 + f]).toBe(fitted[f]);
    expect(again).toEqual(first);
    // another split of the same table, and the same split of another table: encoded anew
    await cv(table, 1);
    await cv(await parseCsv(csv));
    expect(new Set(fitted).size).toBe(9);
    expect(fitted[9]).not.toBe(fitted[0]);
    expect(await cv(await parseCsv(csv))).toEqual(first);
    // with no room for folds, none is kept
    const uncached = await parseCsv(csv);
    fitted.length = 0;
    await cv(uncached, 0, 0);
    await cv(uncached, 0, 0);
    expect(new Set(fitted).size).toBe(6);
  });
});

describe.each([
  ["HistGradientBoostingClassifier", { max_iter: 25, min_samples_leaf: 5 }],
  ["GradientBoostingClassifier", { n_estimators: 25, subsample: 0.8 }],
  ["XGBClassifier", { n_estimators: 25 }],
  ["RandomForestClassifier", { n_estimators: 25, max_depth: 4 }],
  ["MLPClassifier", { hidden_layer_sizes: [8], max_iter: 25, n_iter_no_change: 100 }],
] as const)("crossValidate on a budget: %s, a step every 10 units", (algorithm, hyperparams) => {
  const csv = "a,b,y\n" + Array.from({ length: 150 }, (_, i) => `${(i * 7) % 13},${(i * 5) % 11},${(i * 7) % 13 + ((i * 5) % 11) > 11 ? "p" : "q"}`).join("\n") + "\n";
  const setup = async () => {
    const table = await parseCsv(csv);
    const spec = getAlgorithm(algorithm);
    const params = spec.params.parse({ ...hyperparams, random_state: 0 });
    const target = prepareTarget(table, "y", spec.task);
    const options = { folds: 3, randomState: 0, scorer: getScorer("log_loss", spec.task), limits: { maxModelParams: 1e9 } };
    return { table, spec, params, target, options };
  };

  it("advances the folds in lockstep: steps after 10, 20 and 25 units, the last one the folds' final mean", async () => {
    const { table, spec, params, target, options } = await setup();
    expect(spec.budgetStep?.every).toBe(10);
    const calls: [number, boolean][] = [];
    const staged = await crossValidate(spec, params, table, target, "y", options, async (values, last) => (calls.push([values.length, last]), "continue"));
    expect(calls).toEqual([[1, false], [2, false], [3, true]]);
    expect(staged.steps).toHaveLength(3);
    expect(staged.value).toBe(staged.steps[2]);
    expect(staged.steps[0]).not.toBe(staged.value);
    // The same folds fitted whole, one after another, give the same value to the bit.
    const whole = await crossValidate({ ...spec, budgetStep: undefined }, params, table, target, "y", options, async () => "continue");
    expect(whole.steps).toHaveLength(3);
    expect(staged.value).toBe(whole.value);
  });

  it("stops every fold when a step is pruned", async () => {
    const { table, spec, params, target, options } = await setup();
    const run = await crossValidate(spec, params, table, target, "y", options, async () => "prune");
    expect(run).toMatchObject({ pruned: true, steps: [expect.any(Number)] });
  });
});
