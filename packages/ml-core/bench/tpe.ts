/**
 * TPE bench: search quality and sampler cost, ours against Optuna 3.1 (bench/tpe.py, spawned with
 * /usr/bin/python3 in the same run).
 *
 *   cd packages/ml-core && npx tsx bench/tpe.ts          # 10 seeds x 100 trials
 *   BENCH_QUICK=1 npx tsx bench/tpe.ts                   # 3 seeds, fewer timed asks
 *   BENCH_SEEDS=30 npx tsx bench/tpe.ts                  # 30 seeds (10 are noisy on quality)
 *   BENCH_OURS=default,optuna,mv+norm npx tsx bench/tpe.ts   # our sampler under several presets
 *   BENCH_SEED0=1000 ...                                 # seeds start at 1000 (fresh seeds)
 *
 * Ours runs under named settings presets (BENCH_OURS, comma-separated; default "default,optuna"):
 * "default" is DEFAULT_TPE_SETTINGS (what the service uses), "optuna" OPTUNA_COMPATIBLE_SETTINGS;
 * "a+b+..." applies the modifiers in MODIFIERS over OPTUNA_COMPATIBLE_SETTINGS (or over the default
 * when the first is "default"). The reference is always Optuna's default `TPESampler(seed=s)`.
 * Optuna's quality results are cached in the OS temp dir per (seeds, trials); BENCH_OPTUNA_CACHE=0
 * recomputes them. Its ask cost is measured on every run.
 *
 * (a) median best value over seeds on sphere (5-d), Branin, Rosenbrock (4-d) and a mixed
 *     log/int/categorical function (minimisation; ours should be <= Optuna's);
 * (b) ms per ask with 100, 500 and 1000 completed trials on the 5-d sphere space.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Rng } from "../src/core/rng";
import type { SearchSpace } from "../src/core/search-space";
import { DEFAULT_TPE_SETTINGS, OPTUNA_COMPATIBLE_SETTINGS, ask, linearGamma, uniformWeights, type ParamValue, type TpeSettings, type TrialRecord } from "../src/tpe";

/** Changes to the settings, combined with "+" in BENCH_OURS. */
const MODIFIERS: Record<string, Partial<TpeSettings>> = {
  optuna: OPTUNA_COMPATIBLE_SETTINGS,
  default: DEFAULT_TPE_SETTINGS,
  mv: { multivariate: true },
  group: { multivariate: true, group: true },
  endpoints: { considerEndpoints: true },
  ei48: { nEiCandidates: 48 },
  ei64: { nEiCandidates: 64 },
  ei128: { nEiCandidates: 128 },
  norm: { normalisedKernels: true },
  eiw: { belowWeighting: "ei" },
  g15: { gamma: linearGamma(0.15) },
  g10: { gamma: linearGamma(0.1) },
  clip: { minBandwidthFactor: 0.03, magicClipExponent: 2 },
  nb: { multivariateBandwidth: "neighbours" },
  uw: { weights: uniformWeights },
  prior05: { priorWeight: 0.5 },
  prior2: { priorWeight: 2 },
  // Watanabe (2023)'s recommended setting, https://arxiv.org/abs/2304.11127
  watanabe: { multivariate: true, multivariateBandwidth: "neighbours", gamma: linearGamma(0.15), belowWeighting: "ei", minBandwidthFactor: 0.03, magicClipExponent: 2, considerEndpoints: true, weights: uniformWeights },
};

/** The settings a preset name ("default", "optuna" or "a+b+...") stands for. */
function preset(name: string): TpeSettings {
  const parts = name.split("+");
  let s: TpeSettings = parts[0] === "default" ? DEFAULT_TPE_SETTINGS : OPTUNA_COMPATIBLE_SETTINGS;
  for (const part of parts) {
    const m = MODIFIERS[part];
    if (!m) throw new Error(`Unknown preset modifier "${part}"; known: ${Object.keys(MODIFIERS).join(", ")}.`);
    s = { ...s, ...m };
  }
  return s;
}

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

function bestOf(problem: Problem, seed: number, nTrials: number, settings: TpeSettings): number {
  const rng = new Rng(seed);
  const history: TrialRecord[] = [];
  let best = Infinity;
  for (let i = 0; i < nTrials; i++) {
    const params = ask(problem.space, history, rng, settings);
    const value = problem.f(params);
    best = Math.min(best, value);
    history.push({ number: i, params, value, state: "complete" });
  }
  return best;
}

function msPerAsk(n: number, asks: number, settings: TpeSettings): number {
  const { space, f } = PROBLEMS.sphere as Problem;
  const data = new Rng(0);
  const history: TrialRecord[] = range(n).map((i) => {
    const params: Params = Object.fromEntries(Object.keys(space).map((k) => [k, data.uniform(-5, 5)]));
    return { number: i, params, value: f(params), state: "complete" };
  });
  const rng = new Rng(1);
  for (let i = 0; i < 30; i++) ask(space, history, rng, settings); // warm-up: let the JIT optimise ask first (steady-state cost)
  const t0 = performance.now();
  for (let i = 0; i < asks; i++) ask(space, history, rng, settings);
  return (performance.now() - t0) / asks;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const fmt = (x: number) => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(2));

interface Reference { version: string; cost: Record<string, number>; quality: Record<string, number[]> }

function runOptuna(cfg: { seeds: number[]; trials: number; sizes: number[]; asks: number }): Reference {
  const py = spawnSync("/usr/bin/python3", [path.join(__dirname, "tpe.py"), JSON.stringify(cfg)], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (py.status !== 0) throw new Error(`bench/tpe.py failed: ${py.stderr}`);
  return JSON.parse(py.stdout.trim().split("\n").pop() as string) as Reference;
}

/** Optuna's results: quality from the cache when there, cost always measured now. */
function reference(seeds: number[], trials: number, sizes: number[], asks: number): Reference {
  const cacheFile = path.join(os.tmpdir(), `tpe-bench-optuna-${seeds[0]}-${seeds.length}-${trials}.json`);
  const useCache = process.env.BENCH_OPTUNA_CACHE !== "0";
  if (useCache && fs.existsSync(cacheFile)) {
    const cached = JSON.parse(fs.readFileSync(cacheFile, "utf8")) as Reference & { seeds: number[] };
    if (JSON.stringify(cached.seeds) === JSON.stringify(seeds)) {
      const now = runOptuna({ seeds: [], trials, sizes, asks });
      if (now.version === cached.version) {
        console.log(`Optuna quality from cache ${cacheFile}`);
        return { version: now.version, cost: now.cost, quality: cached.quality };
      }
    }
  }
  const ref = runOptuna({ seeds, trials, sizes, asks });
  fs.writeFileSync(cacheFile, JSON.stringify({ seeds, version: ref.version, quality: ref.quality }));
  return ref;
}

function main(): void {
  const quick = process.env.BENCH_QUICK === "1";
  const nSeeds = Number(process.env.BENCH_SEEDS ?? (quick ? 3 : 10));
  const seed0 = Number(process.env.BENCH_SEED0 ?? 0);
  const seeds = range(nSeeds).map((i) => seed0 + i);
  const trials = 100;
  const sizes = [100, 500, 1000];
  const asks = quick ? 10 : 30;
  const presets = (process.env.BENCH_OURS ?? "default,optuna").split(",").map((name) => ({ name, settings: preset(name) }));
  const label = (name: string) => (name === "default" ? "ours" : name === "optuna" ? "ours-optuna" : name);

  const t0 = performance.now();
  const ref = reference(seeds, trials, sizes, asks);
  console.log(`Optuna ${ref.version} done in ${((performance.now() - t0) / 1000).toFixed(1)} s; seeds=${seed0}..${seed0 + nSeeds - 1} (${nSeeds}), trials=${trials}`);
  console.log('"ours" is DEFAULT_TPE_SETTINGS, "ours-optuna" OPTUNA_COMPATIBLE_SETTINGS; the reference is TPESampler(seed=s).');

  console.log("\n(a) search quality: median best value over seeds (minimisation, lower is better)");
  const width = Math.max(12, ...presets.map((p) => label(p.name).length + 2));
  const col = (s: string, i: number) => (i === 1 ? s.padStart(width) : s.padStart(12));
  console.log(["problem", "sampler", "median", "optuna", "ratio", "ok"].map(col).join(""));
  const allOk = new Map(presets.map((p) => [p.name, true]));
  for (const [name, problem] of Object.entries(PROBLEMS)) {
    const theirs = median(ref.quality[name] as number[]);
    for (const p of presets) {
      const ours = median(seeds.map((s) => bestOf(problem, s, trials, p.settings)));
      const ok = ours <= theirs;
      if (!ok) allOk.set(p.name, false);
      console.log([name, label(p.name), fmt(ours), fmt(theirs), (ours / theirs).toFixed(3), ok ? "yes" : "NO"].map(col).join(""));
    }
  }

  console.log("\n(b) sampler cost: ms per ask, 5-d sphere space, n completed trials");
  console.log(["n", "sampler", "ms", "optuna ms", "ratio"].map(col).join(""));
  for (const n of sizes) {
    const theirs = ref.cost[String(n)] as number;
    for (const p of presets) {
      const ours = msPerAsk(n, asks, p.settings);
      console.log([String(n), label(p.name), ours.toFixed(3), theirs.toFixed(3), (ours / theirs).toFixed(3)].map(col).join(""));
    }
  }
  console.log("");
  for (const p of presets) console.log(`quality, ${label(p.name)}: ${allOk.get(p.name) ? "<= optuna on every problem" : "worse than optuna on some problem"}`);
}

main();
