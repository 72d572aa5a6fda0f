import { getAlgorithm, MlError, DataError } from "@mlw/ml-core";
import { jobError } from "../src/services/errors";
import { seeded } from "../src/services/train-model";

describe("jobError", () => {
  it("makes a user mistake unrecoverable, with its code and status in the reason", () => {
    const err = jobError(new DataError("RAGGED_ROW", "Line 3 has 2 fields, but the header has 3 columns."));
    expect(err.name).toBe("UnrecoverableError");
    expect(err.message).toBe("RAGGED_ROW (422): Line 3 has 2 fields, but the header has 3 columns.");
  });

  it("lets a server-side failure be retried", () => {
    expect(jobError(new MlError("INVALID_MODEL_ARTIFACT", "bad", 500)).name).not.toBe("UnrecoverableError");
    const plain = new Error("connection reset");
    expect(jobError(plain)).toBe(plain);
  });
});

describe("seeded", () => {
  it("seeds an estimator that takes a random_state from the request, unless the user set one", () => {
    const rf = getAlgorithm("RandomForestClassifier");
    expect(seeded(rf, { n_estimators: 5 }, 42)).toEqual({ n_estimators: 5, random_state: 42 });
    expect(seeded(rf, { random_state: 7 }, 42)).toEqual({ random_state: 7 });
    const ols = getAlgorithm("LinearRegression");
    expect(seeded(ols, {}, 42)).toEqual({});
  });
});
