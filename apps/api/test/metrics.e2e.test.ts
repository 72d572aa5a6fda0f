import { call, startWorker, useStack } from "./support/stack";

const TOKEN = "scraper-token-0123456789";
const stack = useStack({ workers: 1, env: { METRICS_TOKEN: TOKEN } });

/**
 * Parses the Prometheus text exposition format strictly enough to fail on anything else:
 * `# HELP`/`# TYPE` lines and samples `name{label="value",...} number`. Answers the samples.
 */
function parsePrometheus(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    let m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (m) {
      if (m[1] === "TYPE") {
        expect(["counter", "gauge", "histogram", "summary", "untyped"]).toContain(m[3]);
        types.set(m[2]!, m[3]!);
      }
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)(?: \d+)?$/.exec(line);
    if (!m) throw new Error(`not the Prometheus text format: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  expect(types.size).toBeGreaterThan(0);
  return samples;
}

it("exposes request durations, jobs by queue and state, predict latency, the model cache and the process defaults after a train and predictions", async () => {
  const trained = await call(stack.api.url, "POST", "/train?wait=60", { dataset_path: "iris.csv", target_column: "species", algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 10 } });
  expect(trained.status).toBe(200);
  const rows = [{ sepal_length_cm: 5.1, sepal_width_cm: 3.5, petal_length_cm: 1.4, petal_width_cm: 0.2 }];
  const predicted = await call(stack.api.url, "POST", `/model/${trained.body.model_id}/predict`, { rows });
  expect(predicted.status).toBe(200);
  expect((await call(stack.api.url, "POST", "/registered-models", { name: "iris-metrics" })).status).toBe(201);
  expect((await call(stack.api.url, "POST", "/registered-models/iris-metrics/versions", { model_id: trained.body.model_id })).status).toBe(201);
  expect((await call(stack.api.url, "PUT", "/registered-models/iris-metrics/aliases/champion", { version: 1 })).status).toBe(200);
  for (let i = 0; i < 2; i++) expect((await call(stack.api.url, "POST", "/registered-models/iris-metrics/predict", { rows })).status).toBe(200);

  const res = await fetch(`${stack.api.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
  const samples = parsePrometheus(await res.text());
  const find = (name: string, labels: Record<string, string>) => samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

  expect(find("mlw_http_request_duration_seconds_count", { method: "POST", route: "/model/:id/predict", status: "200" })?.value).toBe(1);
  expect(find("mlw_http_request_duration_seconds_count", { method: "POST", route: "/train", status: "200" })?.value).toBe(1);
  expect(find("mlw_http_request_duration_seconds_bucket", { route: "/train", le: "+Inf" })?.value).toBe(1);
  expect(find("mlw_jobs", { queue: "train", state: "completed" })?.value).toBe(1);
  expect(find("mlw_jobs", { queue: "trial", state: "waiting" })?.value).toBe(0);
  expect(find("mlw_predict_duration_seconds_count", { model: "", version: "" })?.value).toBe(1);
  expect(find("mlw_predict_duration_seconds_count", { model: "iris-metrics", version: "1" })?.value).toBe(2);
  // One load of the model, by id; the two predictions by name found it loaded.
  expect([find("mlw_model_cache_misses_total", {})?.value, find("mlw_model_cache_hits_total", {})?.value]).toEqual([1, 2]);
  expect(find("mlw_model_cache_models", {})?.value).toBe(1);
  expect(find("mlw_model_cache_bytes", {})?.value).toBeGreaterThan(1000);
  expect(find("process_cpu_seconds_total", {})).toBeDefined();
  expect(find("nodejs_heap_size_used_bytes", {})).toBeDefined();
  // Route labels are declared paths, never raw URLs with ids.
  expect(samples.some((s) => s.labels.route?.includes("model-"))).toBe(false);
});

it("opens /metrics to an admin key or the METRICS_TOKEN only", async () => {
  expect((await call(stack.api.url, "GET", "/metrics")).status).toBe(200);
  expect((await call(stack.api.url, "GET", "/metrics", undefined, { key: null })).status).toBe(401);
  const reader = (await call(stack.api.url, "POST", "/admin/keys", { name: "r", role: "reader" })).body.key;
  expect((await call(stack.api.url, "GET", "/metrics", undefined, { key: reader })).status).toBe(403);
  // The token opens nothing else.
  expect((await call(stack.api.url, "GET", "/algorithms", undefined, { key: TOKEN })).status).toBe(401);
});

it("each worker serves its own /metrics: job durations by queue, algorithm and outcome, trials by state", async () => {
  const study = await call(stack.api.url, "POST", "/optimize?wait=120", { dataset_path: "iris.csv", target_column: "species", algorithm: "RandomForestClassifier", n_trials: 3, search_space: { n_estimators: { type: "int", low: 5, high: 10 } } });
  expect(study.status).toBe(200);
  const worker = stack.workers[0]!;
  const port = worker.logs.find((l) => l.msg === "worker metrics listening")!.port;
  const url = `http://127.0.0.1:${port}/metrics`;
  expect((await fetch(url)).status).toBe(401);
  const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  const samples = parsePrometheus(await res.text());
  const find = (name: string, labels: Record<string, string>) => samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(find("mlw_job_duration_seconds_count", { queue: "train", algorithm: "RandomForestClassifier", outcome: "completed" })?.value).toBe(1);
  expect(find("mlw_job_duration_seconds_count", { queue: "trial", algorithm: "RandomForestClassifier", outcome: "completed" })?.value).toBe(3);
  expect(find("mlw_job_duration_seconds_count", { queue: "optimize", algorithm: "RandomForestClassifier", outcome: "completed" })?.value).toBe(1);
  expect(find("mlw_trials_finished_total", { state: "complete" })?.value).toBe(3);
  // The coordinator created three trial rows; each trial's sandbox read its study, started and finished its row.
  expect(find("mlw_db_queries_total", { process: "worker" })?.value).toBeGreaterThanOrEqual(3);
  expect(find("mlw_db_queries_total", { process: "sandbox" })?.value).toBeGreaterThanOrEqual(3 * 3);
  expect(find("process_resident_memory_bytes", {})).toBeDefined();
});

it("a worker whose METRICS_PORT is taken warns and works on", async () => {
  const port = stack.workers[0]!.logs.find((l) => l.msg === "worker metrics listening")!.port;
  const second = await startWorker(stack.iso.env, { METRICS_PORT: String(port), WORKER_ID: "second" });
  stack.workers.push(second);
  expect(second.logs.find((l) => l.msg === "metrics port taken; this worker serves no /metrics")).toMatchObject({ level: 40, port });
  await stack.workers[0]!.stop();
  const trained = await call(stack.api.url, "POST", "/train?wait=60", { dataset_path: "wine.csv", target_column: "cultivar", algorithm: "LogisticRegression" });
  expect(trained.status).toBe(200);
});
