/**
 * fANOVA importance bench: time per study, ours (studyImportance, Optuna's defaults) against
 * Optuna 3.1's FanovaImportanceEvaluator (bench/importance.py, spawned with /usr/bin/python3 in
 * the same run), on the parity fixture's studies and on random studies of 100, 300 and 1000 trials
 * over six parameters; also the largest gap between the two importances of a parameter.
 *
 *   cd packages/ml-core && npx tsx bench/importance.ts     (or: pnpm bench:importance)
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Rng } from "../src/core/rng";
import type { SearchSpace } from "../src/core/search-space";
import { studyImportance, type ScoredTrial } from "../src/importance";

interface BenchStudy { name: string; search_space: SearchSpace; trials: ScoredTrial[] }

const space: SearchSpace = {
  a: { type: "float", low: -1, high: 1 },
  b: { type: "float", low: 1e-3, high: 1e3, log: true },
  c: { type: "categorical", choices: ["x", "y", "z"] },
  d: { type: "int", low: 0, high: 10 },
  e: { type: "float", low: 0, high: 1 },
  f: { type: "int", low: 1, high: 64 },
};

/** A study of `n` random trials of an additive function of the six parameters, with noise. */
function randomStudy(n: number): BenchStudy {
  const rng = new Rng(n);
  const trials = Array.from({ length: n }, () => {
    const p = { a: rng.next() * 2 - 1, b: 10 ** (rng.next() * 6 - 3), c: ["x", "y", "z"][rng.int(3)]!, d: rng.int(11), e: rng.next(), f: 1 + rng.int(64) };
    return { params: p, value: 3 * p.a + (p.c === "y" ? 1 : 0) + 0.1 * p.d + 0.5 * p.e + 0.1 * rng.next() };
  });
  return { name: `random-${n}`, search_space: space, trials };
}

async function main(): Promise<void> {
  const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "../test/fixtures/fanova-optuna.json"), "utf8")) as { studies: BenchStudy[] };
  const studies = [...fixture.studies, randomStudy(100), randomStudy(300), randomStudy(1000)];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-importance-")), "studies.json");
  fs.writeFileSync(file, JSON.stringify({ studies }));
  const py = spawnSync("/usr/bin/python3", [path.join(__dirname, "importance.py"), file], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (py.status !== 0) throw new Error(`bench/importance.py failed:\n${py.stderr}`);
  const optuna = JSON.parse(py.stdout) as Record<string, { ms: number; importances: Record<string, number> }>;
  await studyImportance(studies[0]!.search_space, studies[0]!.trials); // warm-up
  console.log("study                               trials  ours ms  optuna ms  ratio  max |diff|");
  for (const s of studies) {
    const start = performance.now();
    const ours = await studyImportance(s.search_space, s.trials);
    const ms = performance.now() - start;
    const ref = optuna[s.name]!;
    const gap = Math.max(...ours.importances.map((p) => Math.abs(p.importance - (ref.importances[p.param] ?? 0))));
    console.log(`${s.name.padEnd(36)}${String(s.trials.length).padStart(6)}${ms.toFixed(0).padStart(9)}${ref.ms.toFixed(0).padStart(11)}${(ms / ref.ms).toFixed(2).padStart(7)}${gap.toFixed(3).padStart(12)}`);
  }
}

void main();
