import { call, useStack } from "./support/stack";

const stack = useStack({ workers: 2 });
const base = { dataset_path: "iris.csv", target_column: "species", algorithm: "RandomForestClassifier", cv_folds: 2 };
const small = { n_estimators: { type: "int", low: 3, high: 5 }, max_features: { type: "categorical", choices: ["sqrt", null] } };

describe("POST /optimize with a sampler and a pruner", () => {
  it("covers a grid exactly once over two workers and stops there, then echoes the names", async () => {
    const res = await call(stack.api.url, "POST", "/optimize?wait=120", { ...base, n_trials: 20, n_parallel: 4, sampler: "grid", pruner: "median", search_space: small });
    expect(res.status).toBe(200);
    expect(res.body.n_trials).toBe(6);
    const study = (await call(stack.api.url, "GET", `/studies/${res.body.study_id}`)).body;
    expect(study).toMatchObject({ state: "complete", sampler: "grid", sampler_settings: { n_points: 5 }, pruner: "median", pruner_settings: { n_startup_trials: 5, n_warmup_steps: 0, interval_steps: 1, n_min_trials: 1 } });
    const points = study.trials.map((t: any) => JSON.stringify([t.params.n_estimators, t.params.max_features]));
    expect(new Set(points)).toEqual(new Set([3, 4, 5].flatMap((n) => ["sqrt", null].map((f) => JSON.stringify([n, f])))));
    expect(study.trials).toHaveLength(6);
  }, 150_000);

  it("takes {name, ...settings}: qmc scrambled and Hyperband, and echoes them", async () => {
    const res = await call(stack.api.url, "POST", "/optimize?wait=120", { ...base, n_trials: 4, sampler: { name: "qmc", scramble: true }, pruner: { name: "hyperband", max_resource: 2 }, search_space: small });
    expect(res.status).toBe(200);
    const study = (await call(stack.api.url, "GET", `/studies/${res.body.study_id}`)).body;
    expect(study).toMatchObject({ sampler: "qmc", sampler_settings: { scramble: true }, pruner: "hyperband", pruner_settings: { min_resource: 1, max_resource: 2, reduction_factor: 3, bootstrap_count: 0 } });
    expect(study.trials).toHaveLength(4);
  }, 150_000);

  it("evaluates initial_trials first, as trials 0..k-1", async () => {
    const initial = [{ params: { n_estimators: 5, max_features: null } }, { params: { n_estimators: 3, max_features: "sqrt" } }];
    const res = await call(stack.api.url, "POST", "/optimize?wait=120", { ...base, n_trials: 4, n_parallel: 1, sampler: "random", initial_trials: initial, search_space: small });
    expect(res.status).toBe(200);
    const study = (await call(stack.api.url, "GET", `/studies/${res.body.study_id}`)).body;
    expect(study.trials.slice(0, 2).map((t: any) => t.params)).toEqual(initial.map((t) => t.params));
    expect(study.initial_trials).toEqual(initial);
    expect(study.trials).toHaveLength(4);
  }, 150_000);

  it("refuses bad samplers, pruners and initial trials with 400 and a code, before any study exists", async () => {
    const before = (await call(stack.api.url, "GET", "/studies?limit=200")).body.studies.length;
    const cases: [object, string, RegExp][] = [
      [{ sampler: "cmaes" }, "VALIDATION_ERROR", /sampler/],
      [{ pruner: { name: "hyperband", reduction_factor: 1 } }, "VALIDATION_ERROR", /reduction_factor/],
      [{ pruner: { name: "hyperband", bootstrap_count: 2 } }, "VALIDATION_ERROR", /max_resource/],
      [{ pruner: { name: "median", percentile: 10 } }, "VALIDATION_ERROR", /percentile/],
      [{ sampler: { name: "grid", n_points: 1 } }, "VALIDATION_ERROR", /n_points/],
      [{ sampler: "grid", search_space: { n_estimators: { type: "int", low: 1, high: 1000 }, max_depth: { type: "int", low: 1, high: 1000 } } }, "INVALID_SEARCH_SPACE", /more than 100000 points/],
      [{ initial_trials: [{ params: { n_estimators: 9, max_features: "sqrt" } }] }, "INVALID_SEARCH_SPACE", /initial_trials\[0\] `n_estimators` must be within \[3, 5\]/],
      [{ initial_trials: [{ params: { n_estimators: 4 } }] }, "INVALID_SEARCH_SPACE", /`max_features` is missing/],
      [{ initial_trials: [{ n_estimators: 4 }] }, "VALIDATION_ERROR", /initial_trials/],
    ];
    for (const [extra, code, message] of cases) {
      const res = await call(stack.api.url, "POST", "/optimize", { ...base, search_space: small, ...extra });
      expect([JSON.stringify(extra), res.status, res.body.error?.code]).toEqual([JSON.stringify(extra), 400, code]);
      expect(res.body.error.message).toMatch(message);
    }
    expect((await call(stack.api.url, "GET", "/studies?limit=200")).body.studies.length).toBe(before);
  });
});

describe("GET /studies", () => {
  it("pages newest first and filters by state, algorithm and dataset", async () => {
    const all = (await call(stack.api.url, "GET", "/studies?limit=200")).body;
    expect(all.studies.length).toBeGreaterThanOrEqual(3);
    expect(all.studies[0].trials).toBeUndefined();
    // Each study's finished trials, as its own page counts them.
    for (const s of all.studies) {
      const full = (await call(stack.api.url, "GET", `/studies/${s.study_id}`)).body;
      expect([s.study_id, s.trials_done]).toEqual([s.study_id, full.trials.filter((t: any) => t.state !== "running").length]);
      expect(full.trials_done).toBe(s.trials_done);
    }
    expect(all.studies.some((s: any) => s.state === "complete" && s.trials_done === s.n_trials)).toBe(true);
    const created = all.studies.map((s: any) => s.created_at);
    expect([...created].sort().reverse()).toEqual(created);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await call(stack.api.url, "GET", `/studies?limit=1${cursor ? `&cursor=${cursor}` : ""}`)).body;
      expect(page.studies.length).toBeLessThanOrEqual(1);
      seen.push(...page.studies.map((s: any) => s.study_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.studies.map((s: any) => s.study_id));
    expect((await call(stack.api.url, "GET", "/studies?state=complete&algorithm=RandomForestClassifier&dataset=iris.csv")).body.studies.length).toBe(all.studies.filter((s: any) => s.state === "complete").length);
    expect((await call(stack.api.url, "GET", "/studies?algorithm=SVC")).body.studies).toEqual([]);
    expect((await call(stack.api.url, "GET", "/studies?dataset=wine.csv")).body.studies).toEqual([]);
    expect((await call(stack.api.url, "GET", "/studies?state=nope")).body.error.code).toBe("VALIDATION_ERROR");
    expect((await call(stack.api.url, "GET", "/studies?cursor=bm9wZQ")).body.error.code).toBe("INVALID_CURSOR");
  });

  it("shows a running study's best trial so far", async () => {
    const res = await call(stack.api.url, "POST", "/optimize", { ...base, n_trials: 100, n_parallel: 1, search_space: { n_estimators: { type: "int", low: 20, high: 60 } } });
    expect([res.status, res.body.error]).toEqual([202, undefined]);
    const id = res.body.study_id;
    let study: any;
    for (let i = 0; i < 600; i++) {
      study = (await call(stack.api.url, "GET", `/studies/${id}`)).body;
      if (study.state !== "running" || study.best_score !== null) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(study.state).toBe("running");
    expect(study.best_trial).toMatchObject({ state: "complete", value: study.best_score, params: study.best_params });
    const listed = (await call(stack.api.url, "GET", "/studies?state=running")).body.studies.find((s: any) => s.study_id === id);
    expect(listed.best_score).toEqual(expect.any(Number));
    // no need to run the other trials
    expect([200, 409]).toContain((await call(stack.api.url, "POST", `/studies/${id}/cancel`)).status);
  });
});

it("GET /algorithms lists the samplers and pruners with their settings, and what a step is per algorithm", async () => {
  const body = (await call(stack.api.url, "GET", "/algorithms")).body;
  const step = (name: string) => body.algorithms.find((a: any) => a.name === name).budget_step;
  expect(step("RandomForestRegressor")).toEqual({ every: 10, unit: "trees" });
  expect(step("XGBClassifier")).toEqual({ every: 10, unit: "boosting rounds" });
  expect(step("MLPClassifier")).toEqual({ every: 10, unit: "epochs" });
  expect(step("LogisticRegression")).toBeNull();
  expect(body.samplers.map((s: any) => s.name)).toEqual(["tpe", "random", "grid", "qmc"]);
  expect(body.pruners.map((p: any) => p.name)).toEqual(["none", "median", "percentile", "successive_halving", "hyperband"]);
  expect(body.pruners[1].settings).toContainEqual(expect.objectContaining({ name: "n_startup_trials", default: 5 }));
});

it.each([
  ["HistGradientBoosting on boosting rounds", "HistGradientBoostingClassifier", 3, { max_iter: { type: "int", low: 50, high: 50 }, learning_rate: { type: "float", low: 0.01, high: 0.3, log: true }, max_leaf_nodes: { type: "int", low: 2, high: 31 } }],
  ["RandomForest on trees", "RandomForestClassifier", 5, { n_estimators: { type: "int", low: 50, high: 50 }, max_depth: { type: "int", low: 1, high: 8 }, min_samples_leaf: { type: "int", low: 1, high: 60 } }],
])("prunes %s with Hyperband: a step every 10 units of budget, the folds in lockstep", async (_, algorithm, seed, space) => {
  const res = await call(stack.api.url, "POST", "/optimize?wait=150", {
    dataset_path: "breast_cancer.csv", target_column: "diagnosis", algorithm, cv_folds: 2, n_trials: 14, n_parallel: 1, random_state: seed, pruner: "hyperband", search_space: space,
  });
  expect(res.status).toBe(200);
  const study = (await call(stack.api.url, "GET", `/studies/${res.body.study_id}`)).body;
  const complete = study.trials.filter((t: any) => t.state === "complete");
  const pruned = study.trials.filter((t: any) => t.state === "pruned");
  expect(complete.length).toBeGreaterThan(0);
  expect(pruned.length).toBeGreaterThan(0);
  for (const t of complete) {
    expect(t.fold_scores).toHaveLength(5); // a budget of 50 in steps of 10
    expect(t.value).toBe(t.fold_scores[4]);
  }
  // the model of the first 10 units scores otherwise than the whole one
  expect(complete.some((t: any) => t.fold_scores[0] !== t.fold_scores[4])).toBe(true);
  // Hyperband's first rung is at step 1 (a budget of 20): a pruned trial recorded its steps up to a rung
  for (const t of pruned) {
    expect(t.fold_scores.length).toBeGreaterThanOrEqual(2);
    expect(t.fold_scores.length).toBeLessThan(5);
    expect(t.value).toBeNull();
  }
}, 200_000);
