/**
 * TPE bench: search quality and sampler cost, ours against Optuna 3.1 (bench/tpe.py, spawned with
 * /usr/bin/python3 in the same run).
 *
 *   cd packages/ml-core && npx tsx bench/tpe.ts          # 10 seeds x 100 trials
 *   BENCH_QUICK=1 npx tsx bench/tpe.ts                   # 3 seeds, fewer timed asks
 *   BENCH_SEEDS=30 npx tsx bench/tpe.ts                  # 30 seeds (10 are noisy on quality)
 *
 * (a) median best value over seeds on sphere (5-d), Branin, Rosenbrock (4-d) and a mixed
 *     log/int/categorical function (minimisation; ours should be <= Optuna's);
 * (b) ms per ask with 100, 500 and 1000 completed trials on the 5-d sphere space.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { Rng } from "../src/core/rng";
import type { SearchSpace } from "../src/core/search-space";
import { ask, type ParamValue, type TrialRecord } from "../src/tpe";

type Params = Record<string, ParamValue>;
interface Problem { readonly space: SearchSpace; readonly f: (p: Params) => number }

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const num = (p: Params, k: string) => p[k] as number;

const ACT: Record<string, number> = { relu: 0, tanh: 0.5, sigmoid: 1.5 };
const PROBLEMS: Record<string, Problem> = {
  sphere: {
    space: Object.fromEntries(range(5).map((i) => [`x${i}`, { type: "float", low: -5, high: 5 }])),
    f: (p) => range(5).reduce((s, i) => s + num(p, `x${i}`) ** 2, 0),
  },
  branin: {
    space: { x1: { type: "float", low: -5, high: 10 }, x2: { type: "float", low: 0, high: 15 } },
    f: (p) => {
      const x1 = num(p, "x1"), x2 = num(p, "x2");
      const b = 5.1 / (4 * Math.PI ** 2), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
      return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
    },
  },
  rosenbrock: {
    space: Object.fromEntries(range(4).map((i) => [`x${i}`, { type: "float", low: -2, high: 2 }])),
    f: (p) => range(3).reduce((s, i) => s + 100 * (num(p, `x${i + 1}`) - num(p, `x${i}`) ** 2) ** 2 + (1 - num(p, `x${i}`)) ** 2, 0),
  },
  mixed: {
    space: {
      lr: { type: "float", low: 1e-4, high: 1, log: true },
      layers: { type: "int", low: 1, high: 8 },
      units: { type: "int", low: 8, high: 512, log: true },
      act: { type: "categorical", choices: Object.keys(ACT) },
    },
    f: (p) => (Math.log10(num(p, "lr")) + 2) ** 2 + 0.5 * (num(p, "layers") - 3) ** 2 + 0.3 * (Math.log2(num(p, "units")) - 7) ** 2 + (ACT[p.act as string] as number),
  },
};

function bestOf(problem: Problem, seed: number, nTrials: number): number {
  const rng = new Rng(seed);
  const history: TrialRecord[] = [];
  let best = Infinity;
  for (let i = 0; i < nTrials; i++) {
    const params = ask(problem.space, history, rng);
    const value = problem.f(params);
    best = Math.min(best, value);
    history.push({ number: i, params, value, state: "complete" });
  }
  return best;
}

function msPerAsk(n: number, asks: number): number {
  const { space, f } = PROBLEMS.sphere as Problem;
  const data = new Rng(0);
  const history: TrialRecord[] = range(n).map((i) => {
    const params: Params = Object.fromEntries(Object.keys(space).map((k) => [k, data.uniform(-5, 5)]));
    return { number: i, params, value: f(params), state: "complete" };
  });
  const rng = new Rng(1);
  for (let i = 0; i < 30; i++) ask(space, history, rng); // warm-up: let the JIT optimise ask first (steady-state cost)
  const t0 = performance.now();
  for (let i = 0; i < asks; i++) ask(space, history, rng);
  return (performance.now() - t0) / asks;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const fmt = (x: number) => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(2));

function main(): void {
  const quick = process.env.BENCH_QUICK === "1";
  const nSeeds = Number(process.env.BENCH_SEEDS ?? (quick ? 3 : 10));
  const seeds = range(nSeeds);
  const trials = 100;
  const sizes = [100, 500, 1000];
  const asks = quick ? 10 : 30;

  const t0 = performance.now();
  const py = spawnSync("/usr/bin/python3", [path.join(__dirname, "tpe.py"), JSON.stringify({ seeds, trials, sizes, asks })], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (py.status !== 0) throw new Error(`bench/tpe.py failed: ${py.stderr}`);
  const ref = JSON.parse(py.stdout.trim().split("\n").pop() as string) as { version: string; cost: Record<string, number>; quality: Record<string, number[]> };
  console.log(`Optuna ${ref.version} done in ${((performance.now() - t0) / 1000).toFixed(1)} s; seeds=${seeds.length}, trials=${trials}`);

  console.log("\n(a) search quality: median best value over seeds (minimisation, lower is better)");
  console.log(["problem", "ours", "optuna", "ours/optuna", "ok"].map((s) => s.padStart(12)).join(""));
  let allOk = true;
  for (const [name, problem] of Object.entries(PROBLEMS)) {
    const ours = median(seeds.map((s) => bestOf(problem, s, trials)));
    const theirs = median(ref.quality[name] as number[]);
    const ok = ours <= theirs;
    allOk &&= ok;
    console.log([name, fmt(ours), fmt(theirs), (ours / theirs).toFixed(3), ok ? "yes" : "NO"].map((s) => s.padStart(12)).join(""));
  }

  console.log("\n(b) sampler cost: ms per ask, 5-d sphere space, n completed trials");
  console.log(["n", "ours ms", "optuna ms", "ours/optuna"].map((s) => s.padStart(12)).join(""));
  for (const n of sizes) {
    const ours = msPerAsk(n, asks);
    const theirs = ref.cost[String(n)] as number;
    console.log([String(n), ours.toFixed(3), theirs.toFixed(3), (ours / theirs).toFixed(3)].map((s) => s.padStart(12)).join(""));
  }
  console.log(allOk ? "\nquality: ours <= optuna on every problem" : "\nquality: ours worse than optuna on some problem");
}

main();
