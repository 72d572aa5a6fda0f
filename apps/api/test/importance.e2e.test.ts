import { studyImportance } from "@mlw/ml-core/importance";
import { call, useStack } from "./support/stack";

const stack = useStack({ workers: 1 });

const space = {
  n_estimators: { type: "int", low: 2, high: 30 },
  max_depth: { type: "int", low: 1, high: 6 },
  max_features: { type: "categorical", choices: ["sqrt", "log2", null] },
  min_samples_leaf: { type: "int", low: 1, high: 20 },
  bootstrap: { type: "categorical", choices: [true, false] },
};

describe("GET /studies/{id}/importance", () => {
  it("answers every parameter's fANOVA importance, most important first, as ml-core computes it on the study's trials", async () => {
    const res = await call(stack.api.url, "POST", "/optimize?wait=180", {
      dataset_path: "wine.csv", target_column: "cultivar", algorithm: "RandomForestClassifier", n_trials: 12, cv_folds: 3, random_state: 3, search_space: space,
    });
    expect(res.status).toBe(200);
    const importance = await call(stack.api.url, "GET", `/studies/${res.body.study_id}/importance`);
    expect(importance.status).toBe(200);
    const study = (await call(stack.api.url, "GET", `/studies/${res.body.study_id}`)).body;
    const complete = study.trials.filter((t: any) => t.state === "complete");
    expect(importance.body).toMatchObject({ study_id: study.study_id, method: "fanova", n_trials: complete.length });
    const values = importance.body.importances.map((p: any) => p.importance);
    expect(importance.body.importances.map((p: any) => p.param).sort()).toEqual(Object.keys(space).sort());
    expect(values).toEqual([...values].sort((a: number, b: number) => b - a));
    expect(values.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 9);
    expect(importance.body.importances).toEqual((await studyImportance(study.search_space, complete)).importances);
  }, 200_000);

  it("refuses a study with fewer than two complete trials (422 NOT_ENOUGH_TRIALS), and an unknown study (404)", async () => {
    const res = await call(stack.api.url, "POST", "/optimize?wait=120", { dataset_path: "iris.csv", target_column: "species", algorithm: "RandomForestClassifier", n_trials: 1, search_space: space });
    expect(res.status).toBe(200);
    const one = await call(stack.api.url, "GET", `/studies/${res.body.study_id}/importance`);
    expect(one.status).toBe(422);
    expect(one.body.error).toMatchObject({ code: "NOT_ENOUGH_TRIALS", message: expect.stringContaining("two complete trials") });
    const missing = await call(stack.api.url, "GET", "/studies/study-0000000000000000/importance");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("STUDY_NOT_FOUND");
  }, 200_000);
});
