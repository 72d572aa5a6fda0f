import { Pool } from "pg";
import { call, DATABASE_URL, startApi, useStack } from "./support/stack";

const stack = useStack({ workers: 1 });
let pool: Pool;
let modelId: string;
const table = () => `"${stack.iso.schema}".prediction_log`;
const iris = [
  { sepal_length_cm: 5.1, sepal_width_cm: 3.5, petal_length_cm: 1.4, petal_width_cm: 0.2 },
  { sepal_length_cm: 6.7, sepal_width_cm: "3.0", petal_length_cm: 5.2, petal_width_cm: 2.3 },
  { sepal_length_cm: 5.9, sepal_width_cm: 3.0, petal_length_cm: 4.2, petal_width_cm: 1.5, note: "" },
];

beforeAll(async () => {
  pool = new Pool({ connectionString: DATABASE_URL, max: 2 });
  const res = await call(stack.api.url, "POST", "/train?wait=60", { dataset_path: "iris.csv", target_column: "species", algorithm: "LogisticRegression" });
  expect(res.status).toBe(200);
  modelId = res.body.model_id;
}, 120_000);
afterAll(() => pool.end());

/** Runs `n` tasks, `concurrency` at a time; answers their results in order. */
async function pooled<T>(n: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await task(i);
    }
  }));
  return out;
}

describe("the prediction log", () => {
  it("holds one row per request after 1,000 predictions and a SIGTERM, each with the id the answer gave, the raw input, the output and probabilities", async () => {
    const api = await startApi(stack.iso.env);
    const answers = await pooled(1000, 16, async (i) => {
      const res = await call(api.url, "POST", `/model/${modelId}/predict`, { rows: [{ ...iris[i % 3]!, n: i }] });
      expect(res.status).toBe(200);
      return res.body;
    });
    // Some rows are still in the buffer: the SIGTERM must write them.
    expect(await api.stop("SIGTERM")).toBe(0);

    const ids = answers.map((a) => a.prediction_ids[0] as string);
    const { rows } = await pool.query(`SELECT * FROM ${table()} WHERE id = ANY($1)`, [ids]);
    expect(rows).toHaveLength(1000);
    const byId = new Map(rows.map((r) => [r.id, r]));
    answers.forEach((a, i) => {
      expect(a.prediction_ids).toHaveLength(1);
      const row = byId.get(a.prediction_ids[0])!;
      expect(row).toMatchObject({ model_id: modelId, registered_name: null, row_index: 0, input: { ...iris[i % 3]!, n: i }, result: a.predictions[0], probabilities: a.probabilities[0], actual: null, actual_at: null });
      expect(row.latency_ms).toBeGreaterThan(0);
      expect(row.created_at).toBeInstanceOf(Date);
    });
  }, 120_000);

  it("samples at PREDICTION_LOG_SAMPLE: a row not sampled answers a null id and is not logged", async () => {
    const marked = (marker: string) => iris.map((r) => ({ ...r, marker }));
    const none = await startApi({ ...stack.iso.env, PREDICTION_LOG_SAMPLE: "0" });
    const unsampled = await call(none.url, "POST", `/model/${modelId}/predict`, { rows: marked("unsampled") });
    expect(await none.stop("SIGTERM")).toBe(0);
    const all = await startApi({ ...stack.iso.env, PREDICTION_LOG_SAMPLE: "1" });
    const sampled = await call(all.url, "POST", `/model/${modelId}/predict`, { rows: marked("sampled") });
    expect(await all.stop("SIGTERM")).toBe(0);

    expect(unsampled.body.prediction_ids).toEqual([null, null, null]);
    expect(sampled.body.prediction_ids).toEqual([expect.any(String), expect.any(String), expect.any(String)]);
    const { rows } = await pool.query(`SELECT input->>'marker' AS marker, count(*)::int AS n FROM ${table()} GROUP BY 1 ORDER BY 1`);
    expect(rows.filter((r) => r.marker !== null)).toEqual([{ marker: "sampled", n: 3 }]);
  });
});

describe("feedback and live performance", () => {
  const other = (label: string) => (label === "setosa" ? "virginica" : "setosa");
  let forestId: string;

  beforeAll(async () => {
    const res = await call(stack.api.url, "POST", "/train?wait=60", { dataset_path: "iris.csv", target_column: "species", algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 5 } });
    expect(res.status).toBe(200);
    forestId = res.body.model_id;
    expect((await call(stack.api.url, "POST", "/registered-models", { name: "iris-live" })).status).toBe(201);
    for (const model_id of [modelId, forestId]) expect((await call(stack.api.url, "POST", "/registered-models/iris-live/versions", { model_id })).status).toBe(201);
    expect((await call(stack.api.url, "PUT", "/registered-models/iris-live/aliases/champion", { version: 1 })).status).toBe(200);
  }, 120_000);

  const rows = Array.from({ length: 10 }, (_, i) => iris[i % 3]!);
  const performance = async (window = "24h") => {
    const res = await call(stack.api.url, "GET", `/registered-models/iris-live/performance?window=${window}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it("drives the performance numbers: 7 of 10 right is accuracy 0.7; corrected feedback replaces it; each version on its own", async () => {
    const v1 = (await call(stack.api.url, "POST", "/registered-models/iris-live/predict", { rows })).body;
    const v2 = (await call(stack.api.url, "POST", "/registered-models/iris-live/predict?version=2", { rows: rows.slice(0, 4) })).body;
    // Sent at once: the rows are still in the API's buffer, and must not be lost.
    const wrong = v1.predictions.map((p: string, i: number) => ({ prediction_id: v1.prediction_ids[i], actual: i < 7 ? p : other(p) }));
    const right = v2.predictions.map((p: string, i: number) => ({ prediction_id: v2.prediction_ids[i], actual: p }));
    const sent = await call(stack.api.url, "POST", "/predictions/feedback", [...wrong, ...right]);
    expect(sent).toMatchObject({ status: 200, body: { recorded: 14, unknown_ids: [] } });

    const before = await performance();
    // One request each: its latency, as logged, is both percentiles.
    const latency = async (id: string) => (await pool.query(`SELECT latency_ms FROM ${table()} WHERE id = $1`, [id])).rows[0].latency_ms as number;
    const [l1, l2] = [await latency(v1.prediction_ids[0]), await latency(v2.prediction_ids[0])];
    expect(before.versions).toEqual([
      { version: 1, model_id: modelId, task: "classification", n_predictions: 10, n_requests: 1, latency_p50_ms: l1, latency_p99_ms: l1, n_feedback: 10, n_scored: 10, metrics: { accuracy: 0.7, f1_macro: expect.any(Number) } },
      { version: 2, model_id: forestId, task: "classification", n_predictions: 4, n_requests: 1, latency_p50_ms: l2, latency_p99_ms: l2, n_feedback: 4, n_scored: 4, metrics: { accuracy: 1, f1_macro: 1 } },
    ]);
    expect(l1).toBeGreaterThan(0);
    expect(before.versions[0].metrics.f1_macro).toBeLessThan(1);

    const corrected = wrong.slice(7).map((f: { prediction_id: string }, i: number) => ({ prediction_id: f.prediction_id, actual: v1.predictions[7 + i] }));
    expect((await call(stack.api.url, "POST", "/predictions/feedback", corrected)).body).toEqual({ recorded: 3, unknown_ids: [] });
    expect((await performance()).versions[0]).toMatchObject({ n_feedback: 10, metrics: { accuracy: 1, f1_macro: 1 } });

    // Feedback that arrived before the window is left out.
    await pool.query(`UPDATE ${table()} SET actual_at = now() - interval '2 hours' WHERE id = ANY($1)`, [v2.prediction_ids]);
    expect((await performance("1h")).versions.map((v: { version: number; n_feedback: number }) => [v.version, v.n_feedback])).toEqual([
      [1, 10],
      [2, 0],
    ]);
  });

  it("finds a prediction another API process served a moment ago, and lists unknown ids back instead of failing", async () => {
    const own = await startApi(stack.iso.env);
    try {
      const served = (await call(own.url, "POST", "/registered-models/iris-live/predict", { rows: iris })).body;
      const res = await call(stack.api.url, "POST", "/predictions/feedback", [
        ...served.prediction_ids.map((id: string) => ({ prediction_id: id, actual: "setosa" })),
        { prediction_id: "no-such-prediction", actual: "setosa" },
        { prediction_id: "no-such-prediction", actual: "virginica" },
      ]);
      expect(res).toMatchObject({ status: 200, body: { recorded: 3, unknown_ids: ["no-such-prediction"] } });
      const { rows: stored } = await pool.query(`SELECT actual, actual_at FROM ${table()} WHERE id = ANY($1)`, [served.prediction_ids]);
      expect(stored).toEqual(iris.map(() => ({ actual: "setosa", actual_at: expect.any(Date) })));
    } finally {
      await own.stop();
    }
  });

  it("refuses malformed feedback and windows with a 400 naming the problem, and an unknown name with a 404", async () => {
    for (const body of [{}, [], [{ prediction_id: "x" }], [{ prediction_id: "x", actual: null }], [{ prediction_id: "", actual: 1 }], { feedback: [{ prediction_id: "x", actual: 1 }] }]) {
      const res = await call(stack.api.url, "POST", "/predictions/feedback", body);
      expect([JSON.stringify(body), res.status, res.body.error?.code]).toEqual([JSON.stringify(body), 400, "VALIDATION_ERROR"]);
    }
    for (const window of ["24", "1w", "0h", "367d", "-1h"]) {
      const res = await call(stack.api.url, "GET", `/registered-models/iris-live/performance?window=${window}`);
      expect([window, res.status, res.body.error?.code]).toEqual([window, 400, "VALIDATION_ERROR"]);
      expect(res.body.error.message).toMatch(/duration|366 days/);
    }
    const missing = await call(stack.api.url, "GET", "/registered-models/nope/performance");
    expect([missing.status, missing.body.error.code]).toEqual([404, "REGISTERED_MODEL_NOT_FOUND"]);
  });
});
