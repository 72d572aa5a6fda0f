/**
 * Pruning on a real budget, side by side in one invocation:
 * - ours with Hyperband against ours without pruning: POST /optimize HistGradientBoostingClassifier
 *   on churn.csv, 40 trials, max_iter 50-500 (step 10), learning_rate log 0.01-0.3, 3-fold CV, 2 workers,
 *   the wall from the request to its answer (`?wait`);
 * - against Optuna 3.1's HyperbandPruner with scikit-learn's HistGradientBoostingClassifier
 *   reporting its folds' mean validation accuracy every 10 rounds (bench/prune.py), one core.
 * A 2-trial study runs first and is not reported: the workers' first study pays for reading the
 * CSV into their cache and for warming the JIT, which would count against whichever study came first.
 * Run: pnpm bench:prune (builds first; BENCH_SEED, BENCH_TRIALS change the seed and trial count).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { BenchStack, DATA_DIR, runBench } from "./support";

const N_TRIALS = Number(process.env.BENCH_TRIALS ?? 40);
const SEED = Number(process.env.BENCH_SEED ?? 42);
const space = { max_iter: { type: "int", low: 50, high: 500, step: 10 }, learning_rate: { type: "float", low: 0.01, high: 0.3, log: true } };
const stack = new BenchStack();

/**
 * One study with `pruner`, waited for as an orchestrator does: `?wait=300`, asked again with the same
 * Idempotency-Key (which answers the same study) while it is still running. Its best score, wall
 * time and pruned trials.
 */
async function study(pruner: string, nTrials = N_TRIALS): Promise<{ best: number; seconds: number; pruned: number }> {
  const t0 = Date.now();
  const request = { dataset_path: "churn.csv", target_column: "Churn", algorithm: "HistGradientBoostingClassifier", n_trials: nTrials, cv_folds: 3, random_state: SEED, n_parallel: 2, search_space: space, pruner };
  const key = { "idempotency-key": `prune-${pruner}-${nTrials}-${t0}` };
  let res = await stack.call("POST", "/optimize?wait=300", request, key);
  while (res.status === 202) res = await stack.call("POST", "/optimize?wait=300", request, key);
  const seconds = (Date.now() - t0) / 1000;
  if (res.status !== 200) throw new Error(`optimize (${pruner}) answered ${res.status}: ${JSON.stringify(res.body)}`);
  const trials = (await stack.call("GET", `/studies/${res.body.study_id}`)).body.trials as { state: string }[];
  return { best: res.body.best_score, seconds, pruned: trials.filter((t) => t.state === "pruned").length };
}

async function main(): Promise<void> {
  await stack.startApi();
  await stack.startWorkers(["w1", "w2"]);
  await study("none", 2);
  const hyperband = await study("hyperband");
  const none = await study("none");
  const py = spawnSync("/usr/bin/python3", [path.join(__dirname, "prune.py"), path.join(DATA_DIR, "churn.csv"), String(N_TRIALS), String(SEED)], { encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1" } });
  if (py.status !== 0) throw new Error(`python failed: ${py.stderr}`);
  const ref = JSON.parse(py.stdout.trim().split("\n").pop()!);

  const f = (x: number) => x.toFixed(4);
  console.log(`\nHistGradientBoosting on churn, ${N_TRIALS} trials x 3 folds, max_iter 50-500, learning_rate log 0.01-0.3 (seed ${SEED})`);
  console.log("| run | best CV accuracy | wall | pruned trials |");
  console.log("|---|---|---|---|");
  console.log(`| ours, Hyperband (2 workers) | ${f(hyperband.best)} | ${hyperband.seconds.toFixed(1)} s | ${hyperband.pruned} |`);
  console.log(`| ours, no pruning (2 workers) | ${f(none.best)} | ${none.seconds.toFixed(1)} s | ${none.pruned} |`);
  console.log(`| Optuna HyperbandPruner + scikit-learn (1 core) | ${f(ref.best)} | ${ref.seconds.toFixed(1)} s | ${ref.n_pruned} |`);
  console.log("\n| measure | value | goal |");
  console.log("|---|---|---|");
  console.log(`| Hyperband vs none: best difference | ${(hyperband.best - none.best).toFixed(5)} | >= -0.003 |`);
  console.log(`| Hyperband vs none: wall ratio | ${(hyperband.seconds / none.seconds).toFixed(3)} | <= 0.5 |`);
  console.log(`| ours Hyperband vs Optuna Hyperband: best difference | ${(hyperband.best - ref.best).toFixed(5)} | >= -0.003 |`);
  console.log(`| ours Hyperband vs Optuna Hyperband: wall ratio | ${(hyperband.seconds / ref.seconds).toFixed(3)} | <= 0.35 |`);
}

runBench(stack, main);
