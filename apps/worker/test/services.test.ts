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
});
