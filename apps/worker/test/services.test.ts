import { getAlgorithm } from "@mlw/ml-core";
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
