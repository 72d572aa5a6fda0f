import { eta } from "../src/progress-bar";
import { datasetFields } from "../src/dataset";
import { predictPath } from "../src/commands/predict";
import { parseParam } from "../src/params";

describe("DATASET", () => {
  it("is a dataset_id when it has an id's form, a dataset_path otherwise", () => {
    expect(datasetFields("dataset-0123456789abcdef")).toEqual({ dataset_id: "dataset-0123456789abcdef" });
    expect(datasetFields("ds-0123456789abcdef")).toEqual({ dataset_id: "ds-0123456789abcdef" });
    for (const p of ["wine.csv", "sub/dataset-0123456789abcdef", "dataset-0123456789abcdef.csv", "dataset-0123"]) expect(datasetFields(p)).toEqual({ dataset_path: p });
  });
});

describe("predict's target", () => {
  it("is a model id, a name, NAME@ALIAS or NAME@VERSION", () => {
    expect(predictPath("model-0123456789abcdef")).toBe("/model/model-0123456789abcdef/predict");
    expect(predictPath("churn")).toBe("/registered-models/churn/predict");
    expect(predictPath("churn@champion")).toBe("/registered-models/churn/predict?alias=champion");
    expect(predictPath("churn@3")).toBe("/registered-models/churn/predict?version=3");
    expect(() => predictPath("churn@")).toThrow(/NAME@ALIAS/);
  });
});

describe("--param", () => {
  it("reads JSON values, and text otherwise", () => {
    expect(parseParam("max_depth=5")).toEqual(["max_depth", 5]);
    expect(parseParam("max_features=sqrt")).toEqual(["max_features", "sqrt"]);
    expect(parseParam("max_depth=null")).toEqual(["max_depth", null]);
    expect(parseParam("a=b=c")).toEqual(["a", "b=c"]);
    expect(() => parseParam("=5")).toThrow(/key=value/);
  });
});

describe("the progress bar's ETA", () => {
  it("is the time left at the pace so far", () => {
    expect(eta(5000, 0, 10)).toBe("-");
    expect(eta(10_000, 2, 10)).toBe("40s");
    expect(eta(60_000, 4, 10)).toBe("1m30s");
    expect(eta(60_000, 10, 10)).toBe("0s");
  });
});
