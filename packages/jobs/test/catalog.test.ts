import { isModelId, newId, newJobId, queueOfJobId, trialJobId, evaluateJobId, trainPayload } from "../src/catalog";

describe("job catalog", () => {
  it("gives job ids that name their queue", () => {
    expect(queueOfJobId(newJobId("train"))).toBe("train");
    expect(queueOfJobId(newJobId("optimize"))).toBe("optimize");
    const study = newId("study");
    expect(queueOfJobId(trialJobId(study, 12))).toBe("trial");
    const model = newId("model");
    expect(isModelId(model)).toBe(true);
    expect(queueOfJobId(evaluateJobId(model))).toBe("evaluate");
    for (const bad of ["", "train-", "train-../../x", "model-1", "trial-study-x-1"]) expect(queueOfJobId(bad)).toBeUndefined();
  });

  it("fills in the training defaults of the original design", () => {
    expect(trainPayload.parse({ dataset_path: "a.csv", target_column: "y", algorithm: "SVC" })).toEqual({
      dataset_path: "a.csv", target_column: "y", algorithm: "SVC", test_size: 0.2, random_state: 42, hyperparams: {},
    });
  });
});
