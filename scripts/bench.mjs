#!/usr/bin/env node
// Runs the side-by-side benchmarks (ours against scikit-learn / Optuna / pandas on the same
// machine, in the same invocation) and prints their tables. Usage: node scripts/bench.mjs all|data|trees|linear|tpe|e2e|serve|forest-cv|importance|prune|xgb|load|train|big [--flag value ...]
// Arguments from the first "--" one on are handed to every bench run (e.g. load --quick, big --rows 500000).
// bench:big (a 900 MB upload and fit) is not part of "all".
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const all = ["data", "trees", "linear", "tpe", "e2e", "serve", "forest-cv", "importance", "prune", "xgb", "load", "train"];
const args = process.argv.slice(2);
const firstFlag = args.findIndex((a) => a.startsWith("--"));
const names = firstFlag < 0 ? args : args.slice(0, firstFlag);
const flags = firstFlag < 0 ? [] : args.slice(firstFlag);
const wanted = names[0] === "all" || !names[0] ? all : names;
let failed = 0;
for (const name of wanted) {
  const candidates = [path.join(root, "packages/ml-core/bench", `${name}.ts`), path.join(root, "bench", `${name}.ts`)];
  const file = candidates.find((f) => existsSync(f));
  if (!file) {
    console.log(`\n== bench:${name}: not written yet`);
    continue;
  }
  console.log(`\n== bench:${name} (${path.relative(root, file)})`);
  const r = spawnSync(process.execPath, ["--import", "tsx", file, ...flags], { cwd: path.dirname(path.dirname(file)), stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
