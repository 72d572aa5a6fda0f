import { Redis } from "ioredis";
import { startRedisCluster, type RedisClusterHandle } from "./support/redis-cluster";
import { readEvents } from "./support/sse";
import { ADMIN_KEY, call, isolate, REDIS_URL, startApi, startWorker, type Isolation, type Proc } from "./support/stack";

// Every Redis connection of two API processes and a worker goes to a 3-master Redis Cluster this
// file starts: queues, job events, rate limits, the quota, idempotency keys, registry changes.
const RATE_LIMIT = 25;
let cluster: RedisClusterHandle;
let iso: Isolation;
let api: Proc & { url: string };
let second: Proc & { url: string };
let worker: Proc;

beforeAll(async () => {
  cluster = await startRedisCluster();
  iso = isolate({ REDIS_CLUSTER_NODES: cluster.nodes, RATE_LIMIT_PER_MIN: String(RATE_LIMIT) });
  [api, second, worker] = await Promise.all([startApi(iso.env), startApi(iso.env), startWorker(iso.env)]);
}, 90_000);

afterAll(async () => {
  await Promise.all([api?.stop(), second?.stop(), worker?.stop()]);
  await iso?.cleanup();
  await cluster?.stop();
});

const iris = { dataset_path: "iris.csv", target_column: "species" };
const rows = [{ sepal_length_cm: 5.1, sepal_width_cm: 3.5, petal_length_cm: 1.4, petal_width_cm: 0.2 }];
const models: string[] = [];

it("hash-tags the queue prefix and reports Redis ready", async () => {
  expect(api.logs.find((l) => l.msg === "api starting")!.config.QUEUE_PREFIX).toBe(`{${iso.prefix}}`);
  const ready = await call(api.url, "GET", "/health/ready", undefined, { key: null });
  expect(ready).toMatchObject({ status: 200, body: { status: "ready", redis: "ok" } });
});

it("trains with ?wait, and runs a 4-trial study to its model", async () => {
  const trained = await call(api.url, "POST", "/train?wait=120", { ...iris, algorithm: "LogisticRegression" });
  expect(trained.status).toBe(200);
  expect(trained.body.metrics.accuracy).toBeGreaterThan(0.9);
  models.push(trained.body.model_id);

  const space = { n_estimators: { type: "int", low: 3, high: 8 }, max_depth: { type: "int", low: 2, high: 4 } };
  const study = await call(api.url, "POST", "/optimize?wait=150", { ...iris, algorithm: "RandomForestClassifier", n_trials: 4, cv_folds: 2, random_state: 3, search_space: space, train_best: true });
  expect(study.status).toBe(200);
  expect(study.body).toMatchObject({ success: true, n_trials: 4, model_id: expect.stringMatching(/^model-/) });
  const trials = (await call(api.url, "GET", `/studies/${study.body.study_id}`)).body.trials;
  expect(trials.map((t: { number: number; state: string }) => [t.number, t.state])).toEqual([0, 1, 2, 3].map((n) => [n, "complete"]));
  models.push(study.body.model_id);
}, 300_000);

it("replays an Idempotency-Key on the other process, and streams the job's events over SSE to completed", async () => {
  const body = { ...iris, algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 5 } };
  const headers = { "idempotency-key": "cluster-train-1" };
  const job = await call(api.url, "POST", "/train", body, { headers });
  expect(job.status).toBe(202);
  expect((await call(second.url, "POST", "/train", body, { headers })).body.job_id).toBe(job.body.job_id);
  const { events } = await readEvents(`${second.url}/jobs/${job.body.job_id}/events`, ADMIN_KEY);
  expect(events.at(-1)).toMatchObject({ event: "completed", data: { job_id: job.body.job_id, result: { model_id: expect.stringMatching(/^model-/) } } });
}, 120_000);

it("serves a registered name on one API process the moment the other moves its champion", async () => {
  expect(models).toHaveLength(2);
  expect((await call(api.url, "POST", "/registered-models", { name: "iris-cluster" })).status).toBe(201);
  for (const model_id of models) expect((await call(api.url, "POST", "/registered-models/iris-cluster/versions", { model_id })).status).toBe(201);
  const champion = (version: number) => call(api.url, "PUT", "/registered-models/iris-cluster/aliases/champion", { version });
  const predict = () => call(second.url, "POST", "/registered-models/iris-cluster/predict", { rows });

  expect((await champion(1)).status).toBe(200);
  const cachedAt = Date.now();
  expect((await predict()).body.model_version).toBe(1);
  expect((await champion(2)).status).toBe(200);
  // The second process trusts what it cached for five seconds: before then, only the change
  // message (pub/sub through the cluster) can make it serve version 2.
  const deadline = cachedAt + 4500;
  let served = (await predict()).body.model_version;
  while (served !== 2 && Date.now() < deadline) served = (await new Promise((r) => setTimeout(r, 50)), await predict()).body.model_version;
  expect(served).toBe(2);
});

it("limits a key's requests per minute across both processes", async () => {
  const key = (await call(api.url, "POST", "/admin/keys", { name: "cluster-reader", role: "reader" })).body.key as string;
  const statuses: number[] = [];
  for (let i = 0; i <= RATE_LIMIT; i++) statuses.push((await call(i % 2 ? second.url : api.url, "GET", "/algorithms", undefined, { key })).status);
  expect(statuses.slice(0, RATE_LIMIT)).toEqual(Array(RATE_LIMIT).fill(200));
  const limited = await call(api.url, "GET", "/algorithms", undefined, { key });
  expect(limited.status).toBe(429);
  expect(limited.body.error.code).toBe("RATE_LIMITED");
});

it("shows the queues in Bull Board", async () => {
  const basic = `Basic ${Buffer.from(`ops:${ADMIN_KEY}`).toString("base64")}`;
  const res = await fetch(`${api.url}/admin/queues/api/queues`, { headers: { authorization: basic } });
  expect(res.status).toBe(200);
  const board = (await res.json()) as { queues: { name: string; counts: Record<string, number> }[] };
  expect(board.queues.find((q) => q.name === "train")?.counts.completed).toBeGreaterThanOrEqual(2);
});

it("cancels a waiting job at once and a running one through the other process (the cancel crosses the cluster's pub/sub)", async () => {
  const slow = await call(api.url, "POST", "/train", { dataset_path: "churn.csv", target_column: "Churn", algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 1500 } });
  const id: string = slow.body.job_id;
  for (let i = 0; i < 300 && !worker.logs.some((l) => l.msg === "train started" && l.jobId === id); i++) await new Promise((r) => setTimeout(r, 100));
  const waiting = await call(api.url, "POST", "/train", { ...iris, algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 5 } });
  const dropped = await call(second.url, "POST", `/jobs/${waiting.body.job_id}/cancel`);
  expect(dropped).toMatchObject({ status: 200, body: { state: "failed", error: { code: "CANCELLED" } } });

  const asked = Date.now();
  expect((await call(second.url, "POST", `/jobs/${id}/cancel`)).status).toBe(202);
  let job = (await call(api.url, "GET", `/jobs/${id}`)).body;
  while (job.state !== "failed" && Date.now() - asked < 10_000) job = (await new Promise((r) => setTimeout(r, 100)), await call(api.url, "GET", `/jobs/${id}`)).body;
  expect(job).toMatchObject({ state: "failed", attempts: 1, error: { code: "CANCELLED", status: 499 } });
  expect(Date.now() - asked).toBeLessThan(5000);
}, 60_000);

it("keeps every key in the one slot of {prefix}, on the cluster and not on REDIS_URL", async () => {
  const client = await cluster.client();
  try {
    const keys: string[] = [];
    for (const node of client.nodes("master")) keys.push(...(await node.keys("*")));
    expect(keys.length).toBeGreaterThan(20);
    expect(keys.filter((k) => !k.startsWith(`{${iso.prefix}}:`))).toEqual([]);
    const slots = new Set(await Promise.all(keys.map((k) => client.cluster("KEYSLOT", k))));
    expect(slots.size).toBe(1);
  } finally {
    client.disconnect();
  }
  const single = new Redis(REDIS_URL);
  try {
    expect(await single.keys(`*${iso.prefix}*`)).toEqual([]);
  } finally {
    single.disconnect();
  }
});
