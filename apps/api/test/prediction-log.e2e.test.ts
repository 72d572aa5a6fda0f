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
