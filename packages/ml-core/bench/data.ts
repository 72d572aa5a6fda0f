/**
 * Benchmark of the CSV loader against pandas.read_csv: speed (MB/s) and peak RSS per load.
 * Each load runs in its own child process so that peak RSS (process.resourceUsage().maxRSS)
 * belongs to that one load.
 *
 *     npx tsx bench/data.ts            # shuttle.csv and a generated 1,000,000 x 20 CSV
 *     npx tsx bench/data.ts --rows 200000
 */
import { spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../src/core/rng";
import { readCsv } from "../src/data";
import { datasetPath } from "../test/datasets";

interface LoadResult {
  seconds: number;
  rows: number;
  cols: number;
  peakRss: number;
  baselineRss: number;
}

const PYTHON = "/usr/bin/python3";
const SHUTTLE = datasetPath("shuttle.csv");

/** Child mode: load one file and report. */
async function loadOnce(path: string): Promise<void> {
  const baselineRss = process.resourceUsage().maxRSS * 1024;
  const start = process.hrtime.bigint();
  const table = await readCsv(path);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const result: LoadResult = { seconds, rows: table.nRows, cols: table.columns.length, peakRss: process.resourceUsage().maxRSS * 1024, baselineRss };
  process.stdout.write(JSON.stringify(result) + "\n");
}

/** Writes a seeded CSV of `rows` x 20: 17 numeric columns (some with missing values), 2 categorical, 1 yes/no. */
async function generate(path: string, rows: number): Promise<void> {
  const rng = new Rng(12345);
  const cities = ["Paris", "Oslo", "Rome", "Lima", "Cairo", "Quito", "Hanoi", "Perth"];
  const plans = ["basic", "standard, monthly", "premium"]; // one needs quoting
  const header = [...Array.from({ length: 17 }, (_, j) => `x${j}`), "city", "plan", "active"];
  const out = createWriteStream(path);
  const write = (s: string): Promise<void> => new Promise((resolve) => (out.write(s) ? resolve() : out.once("drain", resolve)));
  await write(header.join(",") + "\n");
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    const fields: string[] = [];
    for (let j = 0; j < 17; j++) {
      if (j % 5 === 4 && rng.next() < 0.02) fields.push("");
      else if (j % 3 === 0) fields.push(String(rng.int(1000)));
      else fields.push((rng.normal() * 100).toFixed(4));
    }
    const plan = plans[rng.int(3)]!;
    fields.push(cities[rng.int(cities.length)]!, plan.includes(",") ? `"${plan}"` : plan, rng.next() < 0.5 ? "Yes" : "No");
    chunk.push(fields.join(","));
    if (chunk.length === 10000) {
      await write(chunk.join("\n") + "\n");
      chunk = [];
    }
  }
  if (chunk.length) await write(chunk.join("\n") + "\n");
  await new Promise<void>((resolve) => out.end(resolve));
}

function child(command: string, args: string[]): LoadResult {
  const r = spawnSync(command, args, { encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as LoadResult;
}

function ours(path: string): LoadResult {
  return child(process.execPath, [...process.execArgv, __filename, "--load", path]);
}

function pandas(path: string): LoadResult {
  return child(PYTHON, [join(__dirname, "data.py"), path]);
}

function best(runs: LoadResult[]): LoadResult {
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

function report(label: string, path: string, repeats: number): void {
  const size = statSync(path).size;
  const a = best(Array.from({ length: repeats }, () => ours(path)));
  const b = best(Array.from({ length: repeats }, () => pandas(path)));
  if (a.rows !== b.rows || a.cols !== b.cols) throw new Error(`shape differs: ours ${a.rows}x${a.cols}, pandas ${b.rows}x${b.cols}`);
  const speedA = size / 1e6 / a.seconds;
  const speedB = size / 1e6 / b.seconds;
  console.log(`\n${label}: ${mb(size)} MB, ${a.rows} x ${a.cols} (best of ${repeats})`);
  console.log(`  ml-core readCsv : ${a.seconds.toFixed(3)} s  ${speedA.toFixed(1)} MB/s  peak RSS ${mb(a.peakRss)} MB (process baseline ${mb(a.baselineRss)} MB)`);
  console.log(`  pandas.read_csv : ${b.seconds.toFixed(3)} s  ${speedB.toFixed(1)} MB/s  peak RSS ${mb(b.peakRss)} MB (process baseline ${mb(b.baselineRss)} MB)`);
  console.log(`  speed ours/pandas ${(speedA / speedB).toFixed(2)} (goal >= 0.5); peak RSS / file size: ours ${(a.peakRss / size).toFixed(2)} (goal <= 3), pandas ${(b.peakRss / size).toFixed(2)}; RSS growth / file size: ours ${((a.peakRss - a.baselineRss) / size).toFixed(2)}, pandas ${((b.peakRss - b.baselineRss) / size).toFixed(2)}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const load = args.indexOf("--load");
  if (load >= 0) return loadOnce(args[load + 1]!);
  const rowsArg = args.indexOf("--rows");
  const rows = rowsArg >= 0 ? Number(args[rowsArg + 1]) : 1_000_000;
  report("shuttle.csv", SHUTTLE, 3);
  const dir = mkdtempSync(join(tmpdir(), "mlcore-bench-"));
  try {
    const path = join(dir, "generated.csv");
    const start = Date.now();
    await generate(path, rows);
    console.log(`\n(generated ${rows} x 20 CSV in ${((Date.now() - start) / 1000).toFixed(1)} s)`);
    report(`generated ${rows} x 20`, path, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
