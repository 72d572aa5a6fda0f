import { call, startApi, useStack, type Proc } from "./support/stack";

// Two API processes on one Redis and Postgres namespace, no worker: jobs stay waiting.
const stack = useStack({ workers: 0, env: { RATE_LIMIT_PER_MIN: "8", MAX_ACTIVE_JOBS_PER_KEY: "2" } });
let second: Proc & { url: string };

beforeAll(async () => {
  second = await startApi(stack.iso.env);
}, 60_000);
afterAll(() => second?.stop());

const train = (random_state: number) => ({ dataset_path: "iris.csv", target_column: "species", algorithm: "RandomForestClassifier", random_state });
let keyCount = 0;
const newKey = async (role = "trainer") => (await call(stack.api.url, "POST", "/admin/keys", { name: `k-${++keyCount}`, role })).body.key as string;

it("limits requests per key per minute across both API processes, with Retry-After", async () => {
  const key = await newKey("reader");
  const statuses: number[] = [];
  for (let i = 0; i < 10; i++) statuses.push((await call(i % 2 ? second.url : stack.api.url, "GET", "/algorithms", undefined, { key })).status);
  expect(statuses.slice(0, 8)).toEqual(Array(8).fill(200));
  const limited = await call(second.url, "GET", "/algorithms", undefined, { key });
  expect(limited.status).toBe(429);
  expect(limited.body.error).toMatchObject({ code: "RATE_LIMITED", message: expect.stringContaining("RATE_LIMIT_PER_MIN") });
  const retryAfter = Number(limited.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  // Another key has its own budget.
  expect((await call(stack.api.url, "GET", "/algorithms", undefined, { key: await newKey("reader") })).status).toBe(200);
});

it("holds the active-job quota per key, on either process", async () => {
  const key = await newKey();
  expect((await call(stack.api.url, "POST", "/train", train(1), { key })).status).toBe(202);
  expect((await call(second.url, "POST", "/train", train(2), { key })).status).toBe(202);
  const third = await call(stack.api.url, "POST", "/train", train(3), { key });
  expect(third.status).toBe(429);
  expect(third.body.error).toMatchObject({ code: "QUOTA_EXCEEDED", message: expect.stringContaining("MAX_ACTIVE_JOBS_PER_KEY") });
  const study = await call(second.url, "POST", "/optimize", { ...train(4), n_trials: 2 }, { key });
  expect(study.status).toBe(429);
  // Other keys are not affected.
  expect((await call(stack.api.url, "POST", "/train", train(5), { key: await newKey() })).status).toBe(202);
});

it("answers a replayed POST /train with the same job on either process, and a changed body with 409", async () => {
  const key = await newKey();
  const headers = { "idempotency-key": "order-123" };
  const first = await call(stack.api.url, "POST", "/train", train(7), { key, headers });
  expect(first.status).toBe(202);
  const replay = await call(second.url, "POST", "/train", { random_state: 7, algorithm: "RandomForestClassifier", target_column: "species", dataset_path: "iris.csv" }, { key, headers });
  expect(replay.status).toBe(202);
  expect(replay.body.job_id).toBe(first.body.job_id);
  const conflict = await call(second.url, "POST", "/train", train(8), { key, headers });
  expect(conflict.status).toBe(409);
  expect(conflict.body.error.code).toBe("IDEMPOTENCY_CONFLICT");
  // The same Idempotency-Key from another API key is another request.
  const other = await call(stack.api.url, "POST", "/train", train(7), { key: await newKey(), headers });
  expect(other.body.job_id).not.toBe(first.body.job_id);
  // A replay does not count against the quota twice: the key has one active job.
  expect((await call(stack.api.url, "POST", "/train", train(9), { key })).status).toBe(202);
});

it("answers a replayed POST /optimize with the same study and job", async () => {
  const key = await newKey();
  const headers = { "idempotency-key": "study-a" };
  const body = { ...train(1), n_trials: 3 };
  const first = await call(second.url, "POST", "/optimize", body, { key, headers });
  expect(first.status).toBe(202);
  const replay = await call(stack.api.url, "POST", "/optimize", body, { key, headers });
  expect(replay.body).toEqual(first.body);
  expect((await call(stack.api.url, "POST", "/optimize", { ...body, n_trials: 4 }, { key, headers })).status).toBe(409);
  expect((await call(stack.api.url, "POST", "/optimize", body, { key, headers: { "idempotency-key": "x".repeat(300) } })).status).toBe(400);
});
