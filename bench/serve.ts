/**
 * Serving benchmark: single-row predictions of a churn RandomForest (100 trees) through the whole
 * API — key check, rate limit (on, with a limit out of the way), validation, the prediction log —
 * at 32 connections with autocannon, by model id and by registered-model alias, then one
 * connection at a time for a precise p50 of each route. Afterwards the prediction log must hold
 * exactly one row per prediction answered. Last, at a steady 2,000 requests/s by alias, the p50 with
 * the log on against a second API started with the log off (PREDICTION_LOG_SAMPLE=0).
 * Run: pnpm bench:serve (builds first; BENCH_REQUESTS sets each loaded run's requests, default 25,000).
 * Uses the local Redis and Postgres, in a schema of its own; the worker is stopped before loading.
 */
import { BenchStack, churnRow, loadPost, quantile, runBench, type Loaded } from "./support";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 25_000);
const CONNECTIONS = 32;
const STEADY_RATE = 2000;
/** What autocannon is asked for to deliver STEADY_RATE: its per-connection pacing falls about 10% short. */
const ASKED_RATE = 2250;
const stack = new BenchStack();
let answered = 0;

/** `requests` single-row predictions of `url` at 32 connections, as fast as they go or at `rate` requests/s. */
async function load(url: string, requests: number, rate?: number): Promise<Loaded> {
  const loaded = await loadPost(stack, url, { rows: [churnRow()] }, { requests, connections: CONNECTIONS, status: 200, rate });
  answered += loaded.ok;
  return loaded;
}

/** p50 of `n` requests to each of `urls`, one at a time, interleaved so both see the same machine. */
async function sequentialP50(urls: string[], n: number): Promise<number[]> {
  const times = urls.map(() => [] as number[]);
  const body = { rows: [churnRow()] };
  for (let i = 0; i < n; i++) {
    for (const [k, url] of urls.entries()) {
      const s = process.hrtime.bigint();
      await stack.expect(200, "POST", url, body);
      times[k]!.push(Number(process.hrtime.bigint() - s) / 1e6);
      answered++;
    }
  }
  return times.map((t) => quantile(t.sort((a, b) => a - b), 0.5));
}

async function main(): Promise<void> {
  const api = await stack.startApi();
  const [worker] = await stack.startWorkers(["w1"]);
  const trained = await stack.expect(200, "POST", "/train?wait=120", { dataset_path: "churn.csv", target_column: "Churn", algorithm: "RandomForestClassifier", random_state: 42 });
  await stack.expect(201, "POST", "/registered-models", { name: "churn" });
  await stack.expect(201, "POST", "/registered-models/churn/versions", { model_id: trained.model_id });
  await stack.expect(200, "PUT", "/registered-models/churn/aliases/champion", { version: 1 });
  await stack.stop(worker!);

  const byId = `/model/${trained.model_id}/predict`;
  const byAlias = "/registered-models/churn/predict?alias=champion";
  await load(byId, 3000); // warm-up: the model cache, the JIT, the connections
  await load(byAlias, 3000);
  const id = await load(byId, REQUESTS);
  const alias = await load(byAlias, REQUESTS);
  const [idP50, aliasP50] = await sequentialP50([byId, byAlias], 2000);

  const logOn = await load(byAlias, STEADY_RATE * 10, ASKED_RATE);
  const loggedAnswers = answered;
  await stack.stop(api); // writes what the log still holds
  const [{ rows }] = await stack.query<{ rows: number }>("SELECT count(*)::int AS rows FROM prediction_log");
  await stack.startApi({ PREDICTION_LOG_SAMPLE: "0" });
  await load(byAlias, 3000);
  const logOff = await load(byAlias, STEADY_RATE * 10, ASKED_RATE);

  const row = (name: string, r: Loaded) => `| ${name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(1)} | ${r.failed} | >= 2000 req/s, p99 < 50 ms |`;
  console.log(`\nsingle-row predict, churn RandomForest (100 trees), ${CONNECTIONS} connections, ${REQUESTS} requests each, auth + rate limit + prediction log on`);
  console.log("| route | requests/s | p50 ms | p99 ms | failed | goal |");
  console.log("|---|---|---|---|---|---|");
  console.log(row("by model id", id));
  console.log(row("by alias", alias));
  console.log(`\none connection, 2000 requests each, interleaved: p50 by id ${idP50.toFixed(3)} ms, by alias ${aliasP50.toFixed(3)} ms, difference ${(aliasP50 - idP50).toFixed(3)} ms (goal <= +0.5 ms)`);
  console.log(`prediction log: ${rows} rows for ${loggedAnswers} predictions answered with it on (goal: equal)`);
  const growth = logOn.p50 / logOff.p50 - 1;
  console.log(`\nby alias at a steady ${STEADY_RATE} requests/s, ${STEADY_RATE * 10} requests: p50 ${logOn.p50.toFixed(2)} ms with the log on, ${logOff.p50.toFixed(2)} ms off: ${(100 * growth).toFixed(1)}% (goal <= +10%); p99 ${logOn.p99.toFixed(1)} / ${logOff.p99.toFixed(1)} ms; ${logOn.rps.toFixed(0)} / ${logOff.rps.toFixed(0)} requests/s delivered (goal >= ${STEADY_RATE})`);
  if (rows !== loggedAnswers) process.exitCode = 1;
}

runBench(stack, main);
