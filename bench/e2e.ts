/**
 * End-to-end benchmark of the running service, side by side with Optuna + scikit-learn:
 * - POST /optimize RandomForestClassifier on churn.csv, 30 trials, 3-fold CV, 2 workers,
 *   against the same search in Optuna 3.1 + scikit-learn on one core (bench/e2e.py);
 * - POST /model/{id}/predict latency for one raw row on a churn RandomForest (p50/p99).
 * Run: pnpm bench:e2e (builds first; BENCH_SEED, BENCH_TRIALS change the seed and trial count).
 * Uses the local Redis and Postgres, in a schema of its own.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { BenchStack, churnRow, DATA_DIR, quantile, runBench } from "./support";

const N_TRIALS = Number(process.env.BENCH_TRIALS ?? 30);
const SEED = Number(process.env.BENCH_SEED ?? 42);
const stack = new BenchStack();

async function main(): Promise<void> {
  await stack.startApi();
  await stack.startWorkers(["w1", "w2"]);

  const t0 = Date.now();
  const opt = await stack.expect(200, "POST", "/optimize?wait=300", { dataset_path: "churn.csv", target_column: "Churn", algorithm: "RandomForestClassifier", n_trials: N_TRIALS, cv_folds: 3, random_state: SEED, n_parallel: 2 });
  const oursSeconds = (Date.now() - t0) / 1000;

  const py = spawnSync("/usr/bin/python3", [path.join(__dirname, "e2e.py"), path.join(DATA_DIR, "churn.csv"), String(N_TRIALS), String(SEED)], { encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1" } });
  if (py.status !== 0) throw new Error(`python failed: ${py.stderr}`);
  const ref = JSON.parse(py.stdout.trim().split("\n").pop()!);

  const trained = await stack.expect(200, "POST", "/train?wait=120", { dataset_path: "churn.csv", target_column: "Churn", algorithm: "RandomForestClassifier" });
  const url = `/model/${trained.model_id}/predict`;
  const rows = [churnRow()];
  await stack.expect(200, "POST", url, { rows }); // loads the model into the cache
  const times: number[] = [];
  for (let i = 0; i < 500; i++) {
    const s = process.hrtime.bigint();
    await stack.expect(200, "POST", url, { rows });
    times.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  times.sort((a, b) => a - b);

  console.log("\n| measure | ours | Optuna + scikit-learn | ratio | goal |");
  console.log("|---|---|---|---|---|");
  console.log(`| best CV accuracy, RF churn, ${N_TRIALS} trials x 3 folds | ${opt.best_score.toFixed(4)} | ${ref.best.toFixed(4)} | ${(opt.best_score / ref.best).toFixed(3)} | >= 1 |`);
  console.log(`| wall time (ours: 2 workers; reference: 1 core) | ${oursSeconds.toFixed(1)} s | ${ref.seconds.toFixed(1)} s | ${(oursSeconds / ref.seconds).toFixed(3)} | <= 0.5 |`);
  console.log(`| predict 1 row, churn RF (HTTP round trip), p50 / p99 | ${quantile(times, 0.5).toFixed(2)} / ${quantile(times, 0.99).toFixed(2)} ms | | | p50 < 5 ms |`);
  console.log(`\nour best params: ${JSON.stringify(opt.best_params)}\nOptuna's best params: ${JSON.stringify(ref.best_params)}`);
}

runBench(stack, main);
