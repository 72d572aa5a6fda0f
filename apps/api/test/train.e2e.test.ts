import { Pool } from "pg";
import { ALGORITHMS } from "@mlw/ml-core";
import { JOB_KINDS } from "@mlw/jobs";
import { call, DATABASE_URL, pollJob, useStack, ADMIN_KEY } from "./support/stack";

const stack = useStack();

const iris = { dataset_path: "iris.csv", target_column: "species", algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 30 } };

describe("POST /train", () => {
  it("trains with ?wait and answers the original response shape", async () => {
    const res = await call(stack.api.url, "POST", "/train?wait=60", iris);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["message", "metrics", "model_id", "success"]);
    expect(res.body).toMatchObject({ success: true, message: "Model trained successfully" });
    expect(res.body.model_id).toMatch(/^model-[0-9a-f]{16}$/);
    expect(Object.keys(res.body.metrics).sort()).toEqual(["accuracy", "f1_score", "precision", "recall"]);
    expect(res.body.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it("enqueues without wait; the job is polled to completed and the model row is in Postgres", async () => {
    const res = await call(stack.api.url, "POST", "/train", { ...iris, random_state: 7 });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ job_id: expect.stringMatching(/^train-/), status: "waiting", status_url: `/jobs/${res.body.job_id}` });
    const job = await pollJob(stack.api.url, res.body.job_id);
    expect(job).toMatchObject({ job_id: res.body.job_id, type: "train", state: "completed", error: null, attempts: 1 });
    expect(job.progress).toMatchObject({ stage: "done", percent: 100 });
    expect(Date.parse(job.finished_at)).toBeGreaterThanOrEqual(Date.parse(job.created_at));
    const modelId = job.result.model_id;

    const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
    try {
      const { rows } = await pool.query(`SELECT * FROM "${stack.iso.schema}".models WHERE id = $1`, [modelId]);
      expect(rows).toHaveLength(1);
      const row = rows[0];
      expect(row).toMatchObject({ algorithm: "RandomForestClassifier", task: "classification", target: "species", dataset_path: "iris.csv", random_state: 7, n_train: 120, n_test: 30, job_id: res.body.job_id });
      expect(row.dataset_sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(row.features).toEqual(["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"]);
      expect(row.labels).toEqual(["setosa", "versicolor", "virginica"]);
      expect(row.hyperparams.n_estimators).toBe(30);
      expect(row.metrics).toEqual(job.result.metrics);
      const art = await pool.query(`SELECT size FROM "${stack.iso.schema}".model_artifacts WHERE model_id = $1`, [modelId]);
      expect(Number(art.rows[0].size)).toBe(row.artifact_bytes);
    } finally {
      await pool.end();
    }
  });

  it("gives the same metrics for the same random_state", async () => {
    const a = await call(stack.api.url, "POST", "/train?wait=60", { ...iris, random_state: 3 });
    const b = await call(stack.api.url, "POST", "/train?wait=60", { ...iris, random_state: 3 });
    expect(a.body.metrics).toEqual(b.body.metrics);
    expect(a.body.model_id).not.toBe(b.body.model_id);
  });

  it("trains a regressor and reports regression metrics", async () => {
    const res = await call(stack.api.url, "POST", "/train?wait=60", { dataset_path: "diabetes.csv", target_column: "progression", algorithm: "LinearRegression" });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.metrics).sort()).toEqual(["mae", "mse", "r2", "rmse"]);
    expect(res.body.metrics.rmse).toBeCloseTo(Math.sqrt(res.body.metrics.mse), 10);
    expect(res.body.metrics.r2).toBeGreaterThan(0.3);
  });
});

describe("XGBoost estimators", () => {
  it("trains XGBClassifier with XGBoost's names and aliases, records the canonical names, and refuses an alias given with its parameter", async () => {
    const body = { dataset_path: "breast_cancer.csv", target_column: "diagnosis", algorithm: "XGBClassifier", hyperparams: { eta: 0.1, max_depth: 4, n_estimators: 50, colsample_bytree: 0.8 }, random_state: 1 };
    const res = await call(stack.api.url, "POST", "/train?wait=60", body);
    expect(res.status).toBe(200);
    expect(res.body.metrics.accuracy).toBeGreaterThan(0.9);
    const model = await call(stack.api.url, "GET", `/models/${res.body.model_id}`);
    expect(model.body.hyperparams).toMatchObject({ learning_rate: 0.1, max_depth: 4, n_estimators: 50, colsample_bytree: 0.8 });
    const twice = await call(stack.api.url, "POST", "/train", { ...body, hyperparams: { eta: 0.1, learning_rate: 0.2 } });
    expect([twice.status, twice.body.error?.code]).toEqual([400, "INVALID_HYPERPARAMETER"]);
  });

  it("optimizes XGBRegressor over its default search space", async () => {
    const res = await call(stack.api.url, "POST", "/optimize?wait=180", { dataset_path: "diabetes.csv", target_column: "progression", algorithm: "XGBRegressor", n_trials: 4, cv_folds: 2, random_state: 3 });
    expect(res.status).toBe(200);
    const study = (await call(stack.api.url, "GET", `/studies/${res.body.study_id}`)).body;
    expect(study.trials.filter((t: any) => t.state === "complete")).toHaveLength(4);
    const space = ALGORITHMS.find((a) => a.name === "XGBRegressor")!.searchSpace;
    for (const t of study.trials) expect(Object.keys(t.params).sort()).toEqual(Object.keys(space).sort());
  });
});

describe("errors", () => {
  const cases: [string, string, string, unknown, number, string][] = [
    ["a missing field", "POST", "/train", { dataset_path: "iris.csv", algorithm: "RandomForestClassifier" }, 400, "VALIDATION_ERROR"],
    ["a field of the wrong type", "POST", "/train", { ...iris, test_size: "big" }, 400, "VALIDATION_ERROR"],
    ["test_size out of range", "POST", "/train", { ...iris, test_size: 1.5 }, 400, "VALIDATION_ERROR"],
    ["an unknown algorithm", "POST", "/train", { ...iris, algorithm: "DeepForest" }, 400, "UNKNOWN_ALGORITHM"],
    ["an invalid hyperparameter", "POST", "/train", { ...iris, hyperparams: { n_estimators: 0 } }, 400, "INVALID_HYPERPARAMETER"],
    ["an unknown hyperparameter", "POST", "/train", { ...iris, hyperparams: { n_trees: 5 } }, 400, "INVALID_HYPERPARAMETER"],
    ["a dataset that does not exist", "POST", "/train", { ...iris, dataset_path: "nope.csv" }, 404, "DATASET_NOT_FOUND"],
    ["a path outside DATA_DIR", "POST", "/train", { ...iris, dataset_path: "../../etc/passwd" }, 400, "INVALID_DATASET_PATH"],
    ["an absolute path outside DATA_DIR", "POST", "/train", { ...iris, dataset_path: "/etc/passwd" }, 400, "INVALID_DATASET_PATH"],
    ["a target column not in the file", "POST", "/train", { ...iris, target_column: "colour" }, 422, "TARGET_NOT_FOUND"],
    ["wait over 300 s", "POST", "/train?wait=301", iris, 400, "VALIDATION_ERROR"],
    ["an unknown job", "GET", "/jobs/train-00000000-0000-0000-0000-000000000000", undefined, 404, "JOB_NOT_FOUND"],
    ["an unknown route", "GET", "/nope", undefined, 404, "NOT_FOUND"],
    ["a body that is not JSON", "POST", "/train", "{not json", 400, "INVALID_JSON"],
    ["an unknown field (a misspelt `hyperparams` is not trained with defaults)", "POST", "/train", { ...iris, hyperparameters: { n_estimators: 5 } }, 400, "VALIDATION_ERROR"],
  ];

  it.each(cases)("%s answers its status and code", async (_name, method, url, body, status, code) => {
    const res = await call(stack.api.url, method, url, body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe("string");
    expect(JSON.stringify(res.body)).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("names the missing field, the unknown one, and lists the valid algorithms", async () => {
    const missing = await call(stack.api.url, "POST", "/train", { dataset_path: "iris.csv", algorithm: "RandomForestClassifier" });
    expect(missing.body.error.message).toContain("target_column");
    expect(missing.body.error.message).toBe("`target_column` is required.");
    const extra = await call(stack.api.url, "POST", "/train", { ...iris, hyperparameters: { n_estimators: 5 } });
    expect(extra.body.error.message).toContain("hyperparameters");
    // a field given with the wrong type is not "required": its message says what was wrong
    const wrong = await call(stack.api.url, "POST", "/train", { ...iris, target_column: 5 });
    expect(wrong.body.error.message).toBe("`target_column`: Invalid input: expected string, received number.");
    const wait = await call(stack.api.url, "POST", "/train?wait=true", iris);
    expect(wait.status).toBe(400);
    expect(wait.body.error.message).toMatch(/^`wait`: .*expected number/);
    const unknown = await call(stack.api.url, "POST", "/train", { ...iris, algorithm: "DeepForest" });
    expect(unknown.body.error.message).toContain("RandomForestClassifier");
    expect(unknown.body.error.details.valid).toEqual(expect.arrayContaining(["RandomForestClassifier", "LogisticRegression", "LinearRegression"]));
  });

  it("records why a job failed and answers a fitting status with wait", async () => {
    const body = { dataset_path: "iris.csv", target_column: "species", algorithm: "LinearRegression" };
    const res = await call(stack.api.url, "POST", "/train?wait=60", body);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ success: false, code: "NON_NUMERIC_TARGET" });
    expect(res.body.message).toMatch(/species/);
    const job = await call(stack.api.url, "GET", `/jobs/${res.body.job_id}`);
    expect(job.body).toMatchObject({ state: "failed", attempts: 1, error: { code: "NON_NUMERIC_TARGET" } });
  });
});

describe("service endpoints", () => {
  it("GET /algorithms lists every algorithm with its task and hyperparameters", async () => {
    const res = await call(stack.api.url, "GET", "/algorithms");
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(res.body.algorithms.map((a: any) => [a.name, a]));
    for (const name of ["RandomForestClassifier", "RandomForestRegressor", "LogisticRegression", "LinearRegression"]) expect(byName[name]).toBeDefined();
    expect(byName.RandomForestRegressor.task).toBe("regression");
    expect(byName.RandomForestClassifier.hyperparameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "n_estimators", type: "int", default: 100, min: 1 })]),
    );
  });

  it("GET /algorithms agrees with every entry of the algorithm registry", async () => {
    const res = await call(stack.api.url, "GET", "/algorithms");
    const expected = ALGORITHMS.map((a) => ({ name: a.name, task: a.task, description: a.description, hyperparameters: a.params.docs, search_space: a.searchSpace, budget_step: a.budgetStep ?? null }));
    expect(res.body.algorithms).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(res.body.algorithms).toHaveLength(16);
  });

  it("GET /health reports Redis and Postgres", async () => {
    const res = await call(stack.api.url, "GET", "/health");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ok", redis: "ok", postgres: "ok", version: "0.1.0" });
  });

  it("serves Bull Board at /admin/queues with every queue", async () => {
    const page = await fetch(`${stack.api.url}/admin/queues`, { headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_KEY}`).toString("base64")}` } });
    expect(page.status).toBe(200);
    const queues = await call(stack.api.url, "GET", "/admin/queues/api/queues");
    expect(queues.body.queues.map((q: any) => q.name).sort()).toEqual(JOB_KINDS.map((k) => k.name).sort());
    expect(JOB_KINDS.map((k) => k.name)).toEqual(expect.arrayContaining(["evaluate", "optimize", "train", "trial", "prediction_retention", "drift"]));
  });
});
