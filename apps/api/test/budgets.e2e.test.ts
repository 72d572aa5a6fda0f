import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { call, DATA_DIR, REDIS_URL, useStack } from "./support/stack";

// A low MAX_MODEL_PARAMS keeps the data small: 10,000 weights is an MLP [10] on iris many times
// over, and less than [100] on 200 features or [300] on 40 one-hot features.
const dir = mkdtempSync(path.join(os.tmpdir(), "mlw-budgets-"));
const stack = useStack({ env: { DATA_DIR: dir, MAX_MODEL_PARAMS: "10000" } });

let redis: Redis;
let queues: Queue[];

beforeAll(() => {
  copyFileSync(path.join(DATA_DIR, "iris.csv"), path.join(dir, "iris.csv"));
  const cols = Array.from({ length: 200 }, (_, j) => `f${j}`);
  const rows = Array.from({ length: 30 }, (_, i) => [...cols.map((_, j) => (i * j) % 7), i % 2 ? "a" : "b"].join(","));
  writeFileSync(path.join(dir, "wide.csv"), [...cols, "y"].join(",") + "\n" + rows.join("\n") + "\n");
  // two columns in the header, 40 features once `c` is one-hot encoded
  writeFileSync(path.join(dir, "cats.csv"), "c,y\n" + Array.from({ length: 200 }, (_, i) => `k${i % 40},${i % 13}`).join("\n") + "\n");
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queues = ["train", "optimize", "trial"].map((name) => new Queue(name, { connection: redis, prefix: stack.iso.prefix }));
});

afterAll(async () => {
  await Promise.all(queues.map((q) => q.close()));
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

/** How many jobs every queue holds, in any state. */
async function jobsEnqueued(): Promise<number> {
  const counts = await Promise.all(queues.map((q) => q.getJobCounts()));
  return counts.flatMap((c) => Object.values(c)).reduce((a, b) => a + b, 0);
}

describe("POST /train", () => {
  it("refuses an MLP of ten billion weights with 400 INVALID_HYPERPARAMETER, before any job is enqueued", async () => {
    const before = await jobsEnqueued();
    const res = await call(stack.api.url, "POST", "/train", {
      dataset_path: "iris.csv", target_column: "species", algorithm: "MLPClassifier", hyperparams: { hidden_layer_sizes: [100_000, 100_000] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVALID_HYPERPARAMETER");
    expect(res.body.error.message).toBe("`hidden_layer_sizes` [100000,100000] gives 10,000,700,001 weights for 4 input features, more than MAX_MODEL_PARAMS (10,000).");
    expect(res.body.error.details).toMatchObject({ param: "hidden_layer_sizes", value: [100_000, 100_000], limit: "MAX_MODEL_PARAMS", max: 10_000 });
    expect(await jobsEnqueued()).toBe(before);
  });

  it("still trains a sane MLP", async () => {
    const res = await call(stack.api.url, "POST", "/train?wait=60", {
      dataset_path: "iris.csv", target_column: "species", algorithm: "MLPClassifier", hyperparams: { hidden_layer_sizes: [10], max_iter: 300 },
    });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
  });

  it("fails a job whose encoded width puts the model over the limit once, with INVALID_HYPERPARAMETER", async () => {
    // at the header's width (1 feature) [300] is 901 weights; at the 40 one-hot features, 12,601
    const res = await call(stack.api.url, "POST", "/train?wait=60", {
      dataset_path: "cats.csv", target_column: "y", algorithm: "MLPRegressor", hyperparams: { hidden_layer_sizes: [300] },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, code: "INVALID_HYPERPARAMETER" });
    expect(res.body.message).toMatch(/gives 12,601 weights for 40 input features, more than MAX_MODEL_PARAMS \(10,000\)/);
    const job = await call(stack.api.url, "GET", `/jobs/${res.body.job_id}`);
    expect(job.body).toMatchObject({ state: "failed", attempts: 1, error: { code: "INVALID_HYPERPARAMETER", status: 400 } });
  });
});

describe("POST /optimize", () => {
  const optimize = (body: Record<string, unknown>) => call(stack.api.url, "POST", "/optimize", { target_column: "y", n_trials: 2, ...body });

  it("refuses a search space whose largest point is over MAX_MODEL_PARAMS at the dataset's width, before any job or study", async () => {
    const before = await jobsEnqueued();
    const res = await optimize({ dataset_path: "wide.csv", algorithm: "MLPClassifier", search_space: { alpha: { type: "float", low: 1e-5, high: 1e-1, log: true } } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVALID_SEARCH_SPACE");
    expect(res.body.error.message).toBe("At the largest point of search_space, `hidden_layer_sizes` [100] gives 20,201 weights for 200 input features, more than MAX_MODEL_PARAMS (10,000).");
    expect(await jobsEnqueued()).toBe(before);
  });

  it("refuses bounds a parameter does not take, naming the parameter and the value", async () => {
    const over = await optimize({ dataset_path: "cats.csv", algorithm: "RandomForestRegressor", search_space: { n_estimators: { type: "int", low: 10, high: 100_000 } } });
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({ code: "INVALID_SEARCH_SPACE", details: { param: "n_estimators", value: 100_000 } });
    expect(over.body.error.message).toMatch(/`n_estimators` reaches 100000.*at most 5000/);
    const list = await optimize({ dataset_path: "cats.csv", algorithm: "MLPRegressor", search_space: { hidden_layer_sizes: { type: "int", low: 10, high: 100_000 } } });
    expect(list.status).toBe(400);
    expect(list.body.error).toMatchObject({ code: "INVALID_SEARCH_SPACE", details: { param: "hidden_layer_sizes" } });
  });
});
