import { Pool } from "pg";
import { call, DATABASE_URL, pollJob, useStack } from "./support/stack";

// Short locks so that the jobs of a killed worker are taken back within seconds.
const fast = { JOB_LOCK_MS: "4000", STALLED_INTERVAL_MS: "2000" };
const stack = useStack({ workers: 2, env: { MAX_TRIALS: "40" }, workerEnv: (i) => ({ WORKER_ID: `w${i + 1}`, ...fast }) });

const rfSpace = {
  n_estimators: { type: "int", low: 5, high: 20 },
  max_depth: { type: "int", low: 2, high: 8 },
  max_features: { type: "categorical", choices: ["sqrt", "log2", null] },
};

describe("POST /optimize", () => {
  it("runs a study over both workers, persists every trial and trains the best model", async () => {
    const res = await call(stack.api.url, "POST", "/optimize?wait=180", {
      dataset_path: "wine.csv", target_column: "cultivar", algorithm: "RandomForestClassifier",
      n_trials: 12, cv_folds: 3, random_state: 1, search_space: rfSpace, train_best: true,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, study_id: expect.stringMatching(/^study-/), n_trials: 12, model_id: expect.stringMatching(/^model-/) });
    expect(res.body.best_score).toBeGreaterThan(0.85);

    const study = (await call(stack.api.url, "GET", `/studies/${res.body.study_id}`)).body;
    expect(study.state).toBe("complete");
    expect(study.trials.map((t: any) => t.number)).toEqual([...Array(12).keys()]);
    const complete = study.trials.filter((t: any) => t.state === "complete");
    expect(complete.length).toBe(12);
    for (const t of complete) {
      // no pruner reads budget steps here, so a step is a fold (the 3 folds fitted whole); its value is their mean
      expect(t.fold_scores).toHaveLength(3);
      expect(t.value).toBeCloseTo(t.fold_scores.reduce((a: number, b: number) => a + b, 0) / 3, 12);
      expect(t.params.n_estimators).toBeGreaterThanOrEqual(5);
      expect(t.params.n_estimators).toBeLessThanOrEqual(20);
    }
    expect(res.body.best_score).toBe(Math.max(...complete.map((t: any) => t.value)));
    expect(study.best_trial.params).toEqual(res.body.best_params);
    expect(new Set(study.trials.map((t: any) => t.worker_id))).toEqual(new Set(["w1", "w2"]));

    const model = (await call(stack.api.url, "GET", `/models/${res.body.model_id}`)).body;
    expect(model).toMatchObject({ study_id: res.body.study_id, trial_number: study.best_trial.number });
    for (const [k, v] of Object.entries(res.body.best_params)) expect(model.hyperparams[k]).toEqual(v);
  }, 200_000);

  it("never scores an invalid penalty/solver pair as valid", async () => {
    const res = await call(stack.api.url, "POST", "/optimize?wait=180", {
      dataset_path: "iris.csv", target_column: "species", algorithm: "LogisticRegression", n_trials: 14, cv_folds: 3, random_state: 5,
      // The original design's space, with pairs the estimator refuses (the default space has none).
      search_space: {
        C: { type: "float", low: 0.001, high: 100, log: true },
        penalty: { type: "categorical", choices: ["l1", "l2", "elasticnet", null] },
        solver: { type: "categorical", choices: ["lbfgs", "liblinear", "saga"] },
        max_iter: { type: "int", low: 100, high: 1000 },
        l1_ratio: { type: "float", low: 0, high: 1, condition: { param: "penalty", in: ["elasticnet"] } },
      },
    });
    expect(res.status).toBe(200);
    const study = (await call(stack.api.url, "GET", `/studies/${res.body.study_id}`)).body;
    const valid = (p: any) => !(p.solver === "lbfgs" && (p.penalty === "l1" || p.penalty === "elasticnet")) && !(p.penalty === "elasticnet" && p.solver !== "saga") && !(p.penalty === null && p.solver === "liblinear");
    for (const t of study.trials) {
      if (t.state === "complete") expect(valid(t.params)).toBe(true);
      if (!valid(t.params)) expect(t).toMatchObject({ state: "failed", value: null, error: expect.stringMatching(/solver|penalty/) });
    }
    expect(study.trials.some((t: any) => t.state === "complete")).toBe(true);
  }, 200_000);

  it("prunes with the median pruner and reports progress on the job", async () => {
    const res = await call(stack.api.url, "POST", "/optimize", {
      dataset_path: "breast_cancer.csv", target_column: "diagnosis", algorithm: "RandomForestClassifier",
      n_trials: 16, cv_folds: 4, random_state: 2, pruner: "median", search_space: { n_estimators: { type: "int", low: 20, high: 60 }, max_depth: { type: "int", low: 1, high: 6 } },
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ study_id: expect.stringMatching(/^study-/), job_id: expect.stringMatching(/^optimize-/), status_url: expect.any(String) });
    const job = await pollJob(stack.api.url, res.body.job_id, 180_000);
    expect(job.state).toBe("completed");
    expect(job.progress).toMatchObject({ trials_done: 16, n_trials: 16, best_score: job.result.best_score });
    const study = (await call(stack.api.url, "GET", `/studies/${res.body.study_id}`)).body;
    const pruned = study.trials.filter((t: any) => t.state === "pruned");
    expect(pruned.length).toBeGreaterThan(0);
    for (const t of pruned) {
      expect(t.fold_scores.length).toBeLessThan(Math.ceil(t.params.n_estimators / 10)); // steps of ten trees
      expect(t.value).toBeNull();
    }
  }, 200_000);

  it("refuses bad requests before enqueuing", async () => {
    const base = { dataset_path: "iris.csv", target_column: "species", algorithm: "RandomForestClassifier" };
    const cases: [object, number, string][] = [
      [{ ...base, n_trials: 41 }, 400, "VALIDATION_ERROR"],
      [{ ...base, metric: "r2" }, 400, "INVALID_METRIC"],
      [{ ...base, search_space: { n_trees: { type: "int", low: 1, high: 5 } } }, 400, "INVALID_SEARCH_SPACE"],
      [{ ...base, search_space: { max_depth: { type: "int", low: 9, high: 5 } } }, 400, "VALIDATION_ERROR"],
      [{ ...base, algorithm: "Nope" }, 400, "UNKNOWN_ALGORITHM"],
      [{ ...base, dataset_path: "missing.csv" }, 404, "DATASET_NOT_FOUND"],
      [{ ...base, target_column: "x" }, 422, "TARGET_NOT_FOUND"],
      [{ ...base, trials: 5 }, 400, "VALIDATION_ERROR"],
    ];
    for (const [body, status, code] of cases) {
      const res = await call(stack.api.url, "POST", "/optimize", body);
      expect([JSON.stringify(body), res.status, res.body.error?.code]).toEqual([JSON.stringify(body), status, code]);
    }
    expect((await call(stack.api.url, "GET", "/studies/study-0000000000000000")).status).toBe(404);
  });
});

it("a study survives a worker killed in the middle of a trial: nothing lost, nothing counted twice", async () => {
  const res = await call(stack.api.url, "POST", "/optimize", {
    dataset_path: "churn.csv", target_column: "Churn", algorithm: "RandomForestClassifier",
    n_trials: 6, cv_folds: 2, random_state: 3, n_parallel: 2,
    search_space: { n_estimators: { type: "int", low: 40, high: 60 }, max_depth: { type: "int", low: 8, high: 12 } },
  });
  expect(res.status).toBe(202);
  const victim = stack.workers[0]!;
  // Kill w1 as soon as it is running a trial.
  for (let i = 0; i < 300 && !victim.logs.some((l) => l.msg === "trial started" && l.studyId === res.body.study_id); i++) await new Promise((r) => setTimeout(r, 100));
  await victim.kill();
  stack.workers.splice(0, 1);
  const job = await pollJob(stack.api.url, res.body.job_id, 240_000);
  expect(job.state).toBe("completed");
  const study = (await call(stack.api.url, "GET", `/studies/${res.body.study_id}`)).body;
  expect(study.state).toBe("complete");
  expect(study.trials.map((t: any) => t.number)).toEqual([0, 1, 2, 3, 4, 5]);
  expect(study.trials.every((t: any) => t.state === "complete" || t.state === "failed")).toBe(true);
  expect(study.trials.some((t: any) => t.attempts > 1)).toBe(true); // the killed trial ran again
  const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${stack.iso.schema}".trials WHERE study_id = $1`, [res.body.study_id]);
    expect(rows[0].n).toBe(6);
  } finally {
    await pool.end();
  }
}, 300_000);

it("refuses a search-space condition on a parameter that is not in the space, before any study exists", async () => {
  const body = { dataset_path: "iris.csv", target_column: "species", algorithm: "LogisticRegression", n_trials: 3, search_space: { C: { type: "float", low: 0.1, high: 10, log: true }, l1_ratio: { type: "float", low: 0, high: 1, condition: { param: "penalty", in: ["elasticnet"] } } } };
  const res = await call(stack.api.url, "POST", "/optimize", body);
  expect(res.status).toBe(400);
  expect(res.body.error).toMatchObject({ code: "INVALID_SEARCH_SPACE", message: expect.stringContaining("`l1_ratio` is conditioned on `penalty`") });
  const never = await call(stack.api.url, "POST", "/optimize", { ...body, search_space: { ...body.search_space, penalty: { type: "categorical", choices: ["l1", "l2"] } } });
  expect(never.status).toBe(400);
  expect(never.body.error.message).toMatch(/never takes/);
});
