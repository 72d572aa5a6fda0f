/**
 * Near the size limit, side by side with pandas + scikit-learn: a generated CSV of about 900 MB
 * (5,000,000 rows of 20 numeric and 2 categorical columns and a binary target, bench/big-csv.ts)
 * is uploaded through `POST /datasets` and trained with HistGradientBoostingClassifier through
 * `POST /train` by its dataset_id; then /usr/bin/python3 reads the same file with pandas and fits
 * scikit-learn's HistGradientBoostingClassifier with the same parameters on the same split
 * (bench/big.py). Prints upload MB/s, whole-run and stage times (the job's `timings_ms`), the
 * worker's peak RSS (its process tree, sandboxes included, sampled every 200 ms from /proc) and
 * held-out accuracy, with the goals: peak worker RSS <= 3.5x the file, our fit <= 1.5x the
 * reference's whole run.
 *
 * Run: pnpm bench:big [--rows N] (builds first; e.g. --rows 500000 for a quick run). The file and
 * the worker's dataset cache live in a temporary folder that is removed at the end.
 * Uses the local Redis and Postgres, in a schema of its own.
 */
import { spawnSync } from "node:child_process";
import { createReadStream, mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { writeBigCsv } from "./big-csv";
import { ProcessTreeRss } from "./process-rss";
import { BenchStack, runBench } from "./support";

const ROWS = Number(flag("--rows") ?? 5_000_000);
const SEED = 42;
const TEST_SIZE = 0.2;
const TARGET = "target";
/** The service's default MAX_DATASET_BYTES. */
const LIMIT = 1024 ** 3;
const MB = 1e6;

const tmp = mkdtempSync(path.join(os.tmpdir(), "mlw-bench-big-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));
const stack = new BenchStack({ DATASET_CACHE_DIR: path.join(tmp, "cache"), JOB_TIMEOUT_S: "7200" });

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  if (!Number.isInteger(ROWS) || ROWS < 1000) throw new Error(`--rows must be an integer of at least 1000, but got ${flag("--rows")}.`);
  const file = path.join(tmp, "big.csv");
  let t = Date.now();
  const bytes = writeBigCsv(file, ROWS, SEED);
  console.log(`generated ${ROWS} rows, ${(bytes / MB).toFixed(0)} MB in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  if (bytes > LIMIT) throw new Error(`the file has ${bytes} bytes, past the default limit of ${LIMIT}: use fewer --rows.`);

  await stack.startApi();
  const [worker] = await stack.startWorkers(["big"]);

  t = Date.now();
  const res = await fetch(`${stack.base}/datasets`, {
    method: "POST",
    headers: { "content-type": "text/csv", authorization: `Bearer ${stack.key}` },
    body: Readable.toWeb(createReadStream(file, { highWaterMark: 1 << 20 })) as ReadableStream,
    duplex: "half",
  } as RequestInit);
  const uploadSeconds = (Date.now() - t) / 1000;
  const dataset = (await res.json()) as { dataset_id: string; rows: number };
  if (res.status !== 201) throw new Error(`POST /datasets answered ${res.status}: ${JSON.stringify(dataset)}`);
  console.log(`uploaded in ${uploadSeconds.toFixed(1)} s`);

  const rss = new ProcessTreeRss(worker!.pid!);
  const idleRss = rss.sample();
  rss.start(200);
  t = Date.now();
  const accepted = await stack.expect(202, "POST", "/train", { dataset_id: dataset.dataset_id, target_column: TARGET, algorithm: "HistGradientBoostingClassifier", test_size: TEST_SIZE, random_state: SEED });
  const job = await waitForJob(accepted.job_id);
  const oursWhole = (Date.now() - t) / 1000;
  rss.stop();
  if (job.state !== "completed") throw new Error(`the train job ended ${job.state}: ${JSON.stringify(job.error)}`);
  const ours = job.result as { metrics: { accuracy: number }; timings_ms?: Record<string, number> };
  const stage = (name: string) => (ours.timings_ms?.[name] ?? NaN) / 1000;
  await stack.cleanUp(); // frees the worker's memory and cores before the reference runs

  const py = spawnSync("/usr/bin/python3", [path.join(__dirname, "big.py"), file, TARGET, String(SEED), String(TEST_SIZE), "{}"], { encoding: "utf8" });
  if (py.status !== 0) throw new Error(`python failed: ${py.stderr}`);
  const ref = JSON.parse(py.stdout.trim().split("\n").pop()!) as { whole_s: number; read_s: number; encode_s: number; split_s: number; fit_s: number; predict_s: number; accuracy: number; n_iter: number; n_features: number; peak_rss_bytes: number };

  const gb = (b: number) => `${(b / 1e9).toFixed(2)} GB (${(b / bytes).toFixed(2)}x the file)`;
  const s = (x: number) => `${x.toFixed(1)} s`;
  console.log(`\nbench:big: ${ROWS} rows, ${(bytes / MB).toFixed(0)} MB, ${ref.n_features} encoded features; HistGradientBoostingClassifier (defaults, random_state ${SEED}), test_size ${TEST_SIZE}`);
  console.log("\n| measure | ours | pandas + scikit-learn | ratio | goal |");
  console.log("|---|---|---|---|---|");
  console.log(`| upload, POST /datasets | ${(bytes / MB / uploadSeconds).toFixed(1)} MB/s (${s(uploadSeconds)}) | | | |`);
  console.log(`| whole run (ours: POST /train to completed; reference: the python process) | ${s(oursWhole)} | ${s(ref.whole_s)} | ${(oursWhole / ref.whole_s).toFixed(2)} | |`);
  console.log(`| read (ours: fetch from the store into the cache and parse) | ${s(stage("load"))} | ${s(ref.read_s)} | ${(stage("load") / ref.read_s).toFixed(2)} | |`);
  console.log(`| target, split, encoding | ${s(stage("prepare"))} | ${s(ref.encode_s + ref.split_s)} | ${(stage("prepare") / (ref.encode_s + ref.split_s)).toFixed(2)} | |`);
  console.log(`| fit | ${s(stage("fit"))} | ${s(ref.fit_s)} | ${(stage("fit") / ref.fit_s).toFixed(2)} | |`);
  console.log(`| our fit / the reference's whole run | ${s(stage("fit"))} | ${s(ref.whole_s)} | ${(stage("fit") / ref.whole_s).toFixed(2)} | <= 1.5 |`);
  console.log(`| peak RSS (ours: worker process tree; reference: maxrss) | ${gb(rss.peak)} | ${gb(ref.peak_rss_bytes)} | ${(rss.peak / ref.peak_rss_bytes).toFixed(2)} | ours <= 3.5x the file |`);
  console.log(`| held-out accuracy | ${ours.metrics.accuracy.toFixed(4)} | ${ref.accuracy.toFixed(4)} | ${(ours.metrics.accuracy - ref.accuracy).toFixed(4)} (difference) | |`);
  console.log(`\nworker tree RSS before the job: ${(idleRss / 1e9).toFixed(2)} GB; its largest process at the peak: ${(rss.peakLargest / 1e9).toFixed(2)} GB; our stages (ms): ${JSON.stringify(ours.timings_ms)}; reference boosting rounds: ${ref.n_iter}`);
  console.log(`goals: peak worker RSS ${(rss.peak / bytes).toFixed(2)}x the file (<= 3.5: ${rss.peak <= 3.5 * bytes ? "met" : "NOT met"}); fit ${(stage("fit") / ref.whole_s).toFixed(2)}x the reference's whole run (<= 1.5: ${stage("fit") <= 1.5 * ref.whole_s ? "met" : "NOT met"})`);
  if (statSync(file).size !== bytes) throw new Error("the file changed during the run");
}

/** Polls GET /jobs/{id} until the job has completed or failed for good. */
async function waitForJob(id: string): Promise<{ state: string; result?: unknown; error?: unknown }> {
  for (;;) {
    const job = await stack.expect(200, "GET", `/jobs/${id}`);
    if (job.state === "completed" || job.state === "failed") return job;
    await new Promise((r) => setTimeout(r, 250));
  }
}

runBench(stack, main);
