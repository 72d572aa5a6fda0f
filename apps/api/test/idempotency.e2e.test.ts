import { Redis } from "ioredis";
import { Pool } from "pg";
import { newId, optimizeJob, optimizeRequest, trainJob, trainPayload } from "@mlw/jobs";
import { Idempotency } from "../src/http/limits";
import { call, DATABASE_URL, REDIS_URL, useStack } from "./support/stack";

// The API and one worker. Each test writes an Idempotency-Key's claim the way the API does before
// it creates anything, and creates nothing: the state an API leaves when it dies in between.
const stack = useStack();
let redis: Redis;
let idempotency: Idempotency;

beforeAll(() => {
  redis = new Redis(REDIS_URL);
  idempotency = new Idempotency(redis, stack.iso.prefix);
});
afterAll(() => redis?.quit());

/** The admin key's claim scope for `route` (the API's: `<key id>:<route>`). */
const scope = (route: string) => `env-admin:${route}`;

async function query<T>(sql: string, params: unknown[]): Promise<T[]> {
  const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    return (await pool.query(sql.replaceAll("$schema", `"${stack.iso.env.DB_SCHEMA}"`), params)).rows as T[];
  } finally {
    await pool.end();
  }
}

it("a POST /train retried after the API died between claiming its Idempotency-Key and enqueueing creates the claimed job and trains it", async () => {
  const body = { dataset_path: "iris.csv", target_column: "species", algorithm: "LogisticRegression", random_state: 3 };
  const key = `crash-train-${stack.iso.prefix}`;
  const claimed = trainJob.jobId();
  expect(await idempotency.claim(scope("train"), key, trainPayload.omit({ origin: true }).parse(body), { job_id: claimed })).toBeUndefined();
  expect((await call(stack.api.url, "GET", `/jobs/${claimed}`)).status).toBe(404); // the crash: no job

  const retry = await call(stack.api.url, "POST", "/train?wait=60", body, { headers: { "idempotency-key": key } });
  expect(retry.status).toBe(200);
  expect(retry.body.success).toBe(true);
  const job = await call(stack.api.url, "GET", `/jobs/${claimed}`);
  expect(job.body).toMatchObject({ job_id: claimed, state: "completed", result: { model_id: retry.body.model_id } });

  // Marked enqueued now: another retry answers that job and trains nothing more.
  const again = await call(stack.api.url, "POST", "/train", body, { headers: { "idempotency-key": key } });
  expect(again.status).toBe(202);
  expect(again.body.job_id).toBe(claimed);
  expect(await query(`SELECT id FROM $schema.models WHERE job_id = $1`, [claimed])).toEqual([{ id: retry.body.model_id }]);
}, 90_000);

it("POST /optimize retried twice at once after such a crash makes the claimed study once and runs it to the end", async () => {
  const body = { dataset_path: "iris.csv", target_column: "species", algorithm: "LogisticRegression", n_trials: 3, n_parallel: 1 };
  const key = `crash-optimize-${stack.iso.prefix}`;
  const claimed = { study_id: newId("study"), job_id: optimizeJob.jobId() };
  expect(await idempotency.claim(scope("optimize"), key, optimizeRequest.parse(body), claimed)).toBeUndefined();

  // Both retries find the claim pending and create it: one study row, one job.
  const retries = await Promise.all([0, 1].map(() => call(stack.api.url, "POST", "/optimize?wait=120", body, { headers: { "idempotency-key": key } })));
  for (const r of retries) {
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ success: true, study_id: claimed.study_id, n_trials: 3 });
  }
  expect(await query(`SELECT id, job_id, state FROM $schema.studies`, [])).toEqual([{ id: claimed.study_id, job_id: claimed.job_id, state: "complete" }]);
  expect(await query(`SELECT count(*)::int AS n FROM $schema.trials WHERE study_id = $1 AND state = 'complete'`, [claimed.study_id])).toEqual([{ n: 3 }]);
}, 150_000);
