/**
 * Load benchmark of the running service, in one invocation:
 * - single-row predict of a churn RandomForest (100 trees) at 32 connections: requests/s, p50, p99;
 * - `POST /train` enqueue throughput at 32 connections, no worker running: 202s per second (the
 *   first tenth of the jobs warms up, the rest is measured);
 * - those 10,000 queued jobs (LogisticRegression on iris, the cheapest real train job) drained
 *   by two workers: jobs/s, and the resident memory (VmRSS) of the API and of each worker with its
 *   sandboxes at the start of the drain (after its first 5%, when the sandboxes are forked and
 *   warm) and at its end;
 * - study throughput, trials per minute over the trials' window, with two workers and with one:
 *   RandomForest on churn, 3-fold CV, random sampler (the same trials in both runs), `n_jobs` 1
 *   per trial, one trial and one train job at a time per worker (TRIAL_CONCURRENCY =
 *   WORKER_CONCURRENCY = 1), so one worker uses one core; a short study warms both workers first.
 * Each line prints its value beside its goal (issue 18) with PASS or FAIL; a missed goal does not
 * fail the run, an error (a failed request or job) does.
 * Run: pnpm bench:load (builds first). `--quick` (or BENCH_QUICK=1) runs a short version for
 * development: fewer requests, 1,000 jobs, 8 trials.
 * Uses the local Redis and Postgres, in a schema and queue prefix of its own.
 */
import type { ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { BenchStack, churnRow, loadPost, rssOf, runBench, type Loaded } from "./support";

const QUICK = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";
const CONNECTIONS = 32;
const PREDICT_REQUESTS = QUICK ? 5_000 : 25_000;
const JOBS = QUICK ? 1_000 : 10_000;
const TRIALS = QUICK ? 8 : 40;
const trainBody = { dataset_path: "iris.csv", target_column: "species", algorithm: "LogisticRegression" };
const studyBody = {
  dataset_path: "churn.csv",
  target_column: "Churn",
  algorithm: "RandomForestClassifier",
  n_trials: TRIALS,
  cv_folds: 3,
  n_parallel: 2,
  random_state: 42,
  sampler: "random",
  search_space: { n_estimators: { type: "int", low: 50, high: 150 }, max_depth: { type: "int", low: 4, high: 10 }, n_jobs: { type: "categorical", choices: [1] } },
};
const stack = new BenchStack({ MAX_ACTIVE_JOBS_PER_KEY: String(10 * JOBS), WORKER_CONCURRENCY: "1", TRIAL_CONCURRENCY: "1" });
const lines: string[] = [];

/** Prints and keeps one result line: the measure, its value, its goal, PASS or FAIL. */
function report(measure: string, value: string, goal: string, pass: boolean): void {
  const line = `| ${measure} | ${value} | ${goal} | ${pass ? "PASS" : "FAIL"} |`;
  lines.push(line);
  console.log(line);
}

function failOnErrors(what: string, loaded: Loaded): void {
  if (loaded.failed) throw new Error(`${what}: ${loaded.failed} requests failed`);
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** Single-row predictions of a trained churn forest; the worker that trained it is stopped first. */
async function predict(): Promise<void> {
  const [worker] = await stack.startWorkers(["w0"]);
  const trained = await stack.expect(200, "POST", "/train?wait=300", { dataset_path: "churn.csv", target_column: "Churn", algorithm: "RandomForestClassifier", random_state: 42 });
  await stack.stop(worker!);
  const url = `/model/${trained.model_id}/predict`;
  const body = { rows: [churnRow()] };
  await loadPost(stack, url, body, { requests: 3000, connections: CONNECTIONS, status: 200 }); // warm-up: the model cache, the JIT, the connections
  const r = await loadPost(stack, url, body, { requests: PREDICT_REQUESTS, connections: CONNECTIONS, status: 200 });
  failOnErrors("predict", r);
  report(`predict 1 row, ${CONNECTIONS} connections, ${PREDICT_REQUESTS} requests`, `${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(1)} ms`, ">= 2000 req/s, p99 < 50 ms", r.rps >= 2000 && r.p99 < 50);
}

/** Enqueues JOBS train jobs with no worker running: the first tenth warms up, the rest is measured. */
async function enqueue(): Promise<void> {
  const warm = Math.round(JOBS / 10);
  failOnErrors("enqueue warm-up", await loadPost(stack, "/train", trainBody, { requests: warm, connections: CONNECTIONS, status: 202 }));
  const r = await loadPost(stack, "/train", trainBody, { requests: JOBS - warm, connections: CONNECTIONS, status: 202 });
  failOnErrors("enqueue", r);
  report(`POST /train enqueue, ${CONNECTIONS} connections, ${JOBS - warm} requests after ${warm} to warm up`, `${r.rps.toFixed(0)} jobs/s (p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(1)} ms)`, ">= 1000 jobs/s", r.rps >= 1000);
}

/** Train jobs finished (completed, failed) in this run's queue. */
async function finished(redis: Redis): Promise<{ completed: number; failed: number }> {
  const [completed, failed] = await Promise.all([redis.zcard(`${stack.env.QUEUE_PREFIX}:train:completed`), redis.zcard(`${stack.env.QUEUE_PREFIX}:train:failed`)]);
  return { completed, failed };
}

/** Drains the queued jobs with two workers; RSS at the drain's start (after its first 5%) and end. */
async function drain(api: ChildProcess): Promise<ChildProcess[]> {
  const redis = new Redis(stack.env.REDIS_URL!);
  try {
    const before = (await finished(redis)).completed;
    const workers = await stack.startWorkers(["w1", "w2"]);
    const warm = Math.max(50, Math.round(JOBS / 20));
    let start: { at: number; done: number; api: number; workers: number[] } | undefined;
    let last = { done: -1, at: Date.now() };
    for (;;) {
      const { completed, failed } = await finished(redis);
      if (failed) throw new Error(`${failed} train jobs failed`);
      const done = completed - before;
      if (!start && done >= warm) start = { at: performance.now(), done, api: rssOf(api.pid!).self, workers: workers.map((w) => rssOf(w.pid!).tree) };
      if (done >= JOBS) break;
      if (done !== last.done) last = { done, at: Date.now() };
      else if (Date.now() - last.at > 120_000) throw new Error(`the drain stalled at ${done} of ${JOBS} jobs`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - start!.at) / 1000;
    const end = { api: rssOf(api.pid!).self, workers: workers.map((w) => rssOf(w.pid!).tree) };
    report(`${JOBS} queued jobs drained by 2 workers (rate after the first ${start!.done})`, `${((JOBS - start!.done) / seconds).toFixed(1)} jobs/s`, "(none)", true);
    const growth = (a: number, b: number) => b / a - 1;
    const rss = (name: string, a: number, b: number) => report(`RSS of ${name}, drain start -> end`, `${mb(a)} -> ${mb(b)} (${(100 * growth(a, b)).toFixed(1)}%)`, "growth < 20%", growth(a, b) < 0.2);
    rss("the API", start!.api, end.api);
    workers.forEach((_, i) => rss(`worker ${i + 1} with its sandboxes`, start!.workers[i]!, end.workers[i]!));
    return workers;
  } finally {
    await redis.quit();
  }
}

/**
 * Trials per minute of one study of `n` trials with the workers running now, over its trials'
 * window (the first trial's start to the last one's end, from their rows), so that the study's
 * fixed costs (its coordinator's start, its last poll) do not count.
 */
async function study(n: number): Promise<{ perMinute: number; parallel: number }> {
  const { job_id, study_id } = await stack.expect(202, "POST", "/optimize", { ...studyBody, n_trials: n });
  let job = await stack.expect(200, "GET", `/jobs/${job_id}`);
  for (; job.state !== "completed" && job.state !== "failed"; job = await stack.expect(200, "GET", `/jobs/${job_id}`)) await new Promise((r) => setTimeout(r, 200));
  if (job.state !== "completed") throw new Error(`the study failed: ${JSON.stringify(job.error)}`);
  const [row] = await stack.query<{ complete: number; seconds: number; busy: number }>(
    `SELECT count(*) FILTER (WHERE state = 'complete')::int AS complete, extract(epoch FROM max(finished_at) - min(started_at))::float8 AS seconds,
       extract(epoch FROM sum(finished_at - started_at))::float8 AS busy FROM trials WHERE study_id = '${study_id}'`,
  );
  if (row!.complete !== n) throw new Error(`the study completed ${row!.complete} of ${n} trials`);
  return { perMinute: n / (row!.seconds / 60), parallel: row!.busy / row!.seconds };
}

/**
 * Study throughput with two workers, then with one (the other stopped). A short study first
 * warms both: each worker's trial sandbox loaded, the dataset read once.
 */
async function studies(workers: ChildProcess[]): Promise<void> {
  await study(4);
  const two = await study(TRIALS);
  await stack.stop(workers[1]!);
  const one = await study(TRIALS);
  const label = `RandomForest churn, ${TRIALS} trials x 3 folds, n_jobs 1`;
  // How many trials ran at once on average: near 2 with two workers, yet under 1.6x, means each trial ran slower (the cores were busy).
  const at = (r: { parallel: number }) => `${r.parallel.toFixed(2)} trials at once on average`;
  report(`study, ${label}: 1 worker`, `${one.perMinute.toFixed(1)} trials/min (${at(one)})`, "(reference)", true);
  const ratio = two.perMinute / one.perMinute;
  report(`study, ${label}: 2 workers`, `${two.perMinute.toFixed(1)} trials/min, ${ratio.toFixed(2)}x (${at(two)})`, ">= 1.6x one worker", ratio >= 1.6);
}

async function main(): Promise<void> {
  console.log(`bench:load${QUICK ? " --quick (numbers are indicative only)" : ""}`);
  console.log("| measure | value | goal | result |");
  console.log("|---|---|---|---|");
  const api = await stack.startApi();
  await predict();
  await enqueue();
  const workers = await drain(api);
  await studies(workers);
  console.log(`\n| measure | value | goal | result |\n|---|---|---|---|\n${lines.join("\n")}`);
}

runBench(stack, main);
