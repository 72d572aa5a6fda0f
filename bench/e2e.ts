/**
 * End-to-end benchmark of the running service, side by side with Optuna + scikit-learn:
 * - POST /optimize RandomForestClassifier on churn.csv, 30 trials, 3-fold CV, 2 workers,
 *   against the same search in Optuna 3.1 + scikit-learn on one core (bench/e2e.py);
 * - POST /model/{id}/predict latency for one raw row on a churn RandomForest (p50/p99).
 * Run: pnpm bench:e2e (builds first; BENCH_SEED, BENCH_TRIALS change the seed and trial count).
 * Uses the local Redis and Postgres, in a schema of its own.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { DATA_DIR, startService, type Service } from "./service";

const N_TRIALS = Number(process.env.BENCH_TRIALS ?? 30);
const SEED = Number(process.env.BENCH_SEED ?? 42);
let service: Service | undefined;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function main(): Promise<void> {
  service = await startService();
  const post = service.post;

  const t0 = Date.now();
  const opt = await post("/optimize?wait=300", { dataset_path: "churn.csv", target_column: "Churn", algorithm: "RandomForestClassifier", n_trials: N_TRIALS, cv_folds: 3, random_state: SEED, n_parallel: 2 });
  const oursSeconds = (Date.now() - t0) / 1000;
  if (opt.status !== 200) throw new Error(`optimize failed: ${JSON.stringify(opt.body)}`);

  const py = spawnSync("/usr/bin/python3", [path.join(__dirname, "e2e.py"), path.join(DATA_DIR, "churn.csv"), String(N_TRIALS), String(SEED)], { encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1" } });
  if (py.status !== 0) throw new Error(`python failed: ${py.stderr}`);
  const ref = JSON.parse(py.stdout.trim().split("\n").pop()!);

  const trained = await post("/train?wait=120", { dataset_path: "churn.csv", target_column: "Churn", algorithm: "RandomForestClassifier" });
  const modelId = trained.body.model_id;
  const header = readFileSync(path.join(DATA_DIR, "churn.csv"), "utf8").split("\n")[0]!.split(",");
  const values = readFileSync(path.join(DATA_DIR, "churn.csv"), "utf8").split("\n")[1]!.split(",");
  const row = Object.fromEntries(header.map((h, i) => [h, values[i]]).filter(([h]) => h !== "Churn"));
  await post(`/model/${modelId}/predict`, { rows: [row] }); // loads the model into the cache
  const times: number[] = [];
  for (let i = 0; i < 500; i++) {
    const s = process.hrtime.bigint();
    const r = await post(`/model/${modelId}/predict`, { rows: [row] });
    times.push(Number(process.hrtime.bigint() - s) / 1e6);
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  }
  times.sort((a, b) => a - b);

  console.log("\n| measure | ours | Optuna + scikit-learn | ratio | goal |");
  console.log("|---|---|---|---|---|");
  console.log(`| best CV accuracy, RF churn, ${N_TRIALS} trials x 3 folds | ${opt.body.best_score.toFixed(4)} | ${ref.best.toFixed(4)} | ${(opt.body.best_score / ref.best).toFixed(3)} | >= 1 |`);
  console.log(`| wall time (ours: 2 workers; reference: 1 core) | ${oursSeconds.toFixed(1)} s | ${ref.seconds.toFixed(1)} s | ${(oursSeconds / ref.seconds).toFixed(3)} | <= 0.5 |`);
  console.log(`| predict 1 row, churn RF (HTTP round trip), p50 / p99 | ${quantile(times, 0.5).toFixed(2)} / ${quantile(times, 0.99).toFixed(2)} ms | | | p50 < 5 ms |`);
  console.log(`\nour best params: ${JSON.stringify(opt.body.best_params)}\nOptuna's best params: ${JSON.stringify(ref.best_params)}`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => service?.stop());
