/**
 * Tree ensembles against scikit-learn on the same data, encoding and 80/20 split: fit time and
 * test accuracy of RandomForest (n_jobs=2 both), GradientBoosting and HistGradientBoosting, with
 * ratios (ours / sklearn). The encoded matrix and split indices are written to a temp dir and
 * read by bench/trees.py, spawned with /usr/bin/python3 in the same run. Our estimators are timed
 * as production runs them: the sources are first compiled with tsconfig.build.json into
 * bench/out/dist (git-ignored) and loaded from there, so forest worker threads start from JS too.
 *
 * Each model is fitted up to BENCH_REPEAT times (default 3) on each side, with no new fit once
 * 10 s of fitting were spent on it; the table shows the best fit (the steady state of a worker that
 * fits many models) and, for ours, the first fit too (JIT warm-up included).
 *
 * `manyclass` is a generated letter-like set: 20,000 rows, 16 integer features in 0-15, 26 classes.
 *
 * `generated` is makeClassification's, `--rows` x `--cols` (200,000 x 30 by default; the issue's
 * histogram boosting at scale is `--rows 2000000 --cols 55 --only generated --models HGB`: the
 * reference's GradientBoosting, 20 trees without histograms, takes about ten minutes there; one
 * fit there passes the 10 s budget, `--budget 100` takes the best of 3 per side).
 *
 *     node --import tsx bench/trees.ts [--rows 200000] [--cols 30] [--only shuttle,churn,manyclass,generated] [--models RF,GB,HGB] [--budget 10]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Estimator } from "../src/core/estimator";
import type { Matrix } from "../src/core/matrix";
import { readCsv } from "../src/data";
import { Pipeline, prepareTarget } from "../src/preprocess";
import { datasetPath } from "../test/datasets";
import { defaultSettings, makeClassification, makeManyClass, writeCsv } from "./gen-classification";
import { compiledEnsemble, splitRows, subset } from "./shared";

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const ROWS = Number(opt("rows", "200000"));
const COLS = Number(opt("cols", "30"));
const ONLY = opt("only", "shuttle,churn,manyclass,generated").split(",");
const MODELS = opt("models", "RF,GB,HGB").split(",");
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
/** No new fit of a model once this much time was spent fitting it (both sides); --budget sets it. */
const BUDGET_S = Number(opt("budget", "10"));

interface Run {
  model: "RF" | "GB" | "HGB";
  params: Record<string, unknown>;
}
const E = compiledEnsemble();
const MAKE = {
  RF: (p: Record<string, unknown>) => new E.RandomForestClassifier(p),
  GB: (p: Record<string, unknown>) => new E.GradientBoostingClassifier(p),
  HGB: (p: Record<string, unknown>) => new E.HistGradientBoostingClassifier(p),
} as const satisfies Record<Run["model"], (p: Record<string, unknown>) => Estimator>;

/** Same runs both sides; big data gets fewer trees for RF/GB so the shared machine copes. */
function runs(big: boolean): Run[] {
  return [
    { model: "RF", params: { n_estimators: big ? 20 : 100, n_jobs: 2, random_state: 0 } },
    { model: "GB", params: { n_estimators: big ? 20 : 100, random_state: 0 } },
    { model: "HGB", params: { random_state: 0 } },
  ];
}

/** Through the data layer: readCsv, prepareTarget, Pipeline (median imputation, one-hot) fitted on the training rows. */
async function encode(path: string, target: string): Promise<{ X: Matrix; y: Float64Array; train: number[]; test: number[] }> {
  const table = await readCsv(path, { maxBytes: Infinity }); // a generated 2M x 55 file of 17-digit numbers is past the service's 1 GiB
  const t = prepareTarget(table, target, "classification");
  const { train, test } = splitRows(t.rows.length);
  const pipe = Pipeline.fit(table, train.map((i) => t.rows[i]!), { target, scale: false });
  return { X: pipe.transform(table, t.rows), y: t.y, train, test };
}

/** Fallback for all-numeric files with the target last, should the data layer fail. */
function encodeNumeric(path: string): { X: Matrix; y: Float64Array; train: number[]; test: number[] } {
  const lines = readFileSync(path, "utf8").trim().split(/\r?\n/).slice(1).map((l) => l.split(",").map((v) => v.replace(/^"|"$/g, "")));
  const cols = lines[0]!.length - 1;
  const labels = [...new Set(lines.map((r) => r[cols]!))].sort();
  const data = new Float64Array(lines.length * cols);
  lines.forEach((r, i) => r.slice(0, cols).forEach((v, j) => (data[i * cols + j] = v === "" ? NaN : Number(v))));
  const y = Float64Array.from(lines, (r) => labels.indexOf(r[cols]!));
  return { X: { data, rows: lines.length, cols }, y, ...splitRows(lines.length) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-trees-"));
  const rowsOut: string[][] = [];
  try {
    const sets: { name: string; path: string; target: string; big: boolean; models?: Run["model"][] }[] = [];
    if (ONLY.includes("shuttle")) sets.push({ name: "shuttle", path: datasetPath("shuttle.csv"), target: "Class", big: false });
    if (ONLY.includes("churn")) sets.push({ name: "churn", path: datasetPath("churn.csv"), target: "Churn", big: false });
    if (ONLY.includes("manyclass")) {
      const path = join(dir, "manyclass.csv");
      const { X, y } = makeManyClass(20_000);
      writeCsv(path, X, y);
      sets.push({ name: "manyclass 20000x16, 26 classes", path, target: "target", big: false, models: ["RF", "HGB"] });
    }
    if (ONLY.includes("generated")) {
      const path = join(dir, "generated.csv");
      const { X, y } = makeClassification(defaultSettings(ROWS, COLS));
      writeCsv(path, X, y);
      sets.push({ name: `generated ${ROWS}x${COLS}`, path, target: "target", big: true });
    }
    for (const set of sets) {
      let encoded;
      try {
        encoded = await encode(set.path, set.target);
      } catch (e) {
        if (set.name === "churn") {
          console.error(`churn skipped: the data layer failed (${String(e)})`);
          continue;
        }
        encoded = encodeNumeric(set.path);
      }
      const { X, y, train, test } = encoded;
      const enc = join(dir, "encoded.csv");
      writeCsv(enc, X, y);
      writeFileSync(join(dir, "split.json"), JSON.stringify({ train, test }));
      const tr = subset(X, y, train);
      const te = subset(X, y, test);
      const plan = runs(set.big).filter((r) => MODELS.includes(r.model) && (!set.models || set.models.includes(r.model)));
      writeFileSync(join(dir, "spec.json"), JSON.stringify({ csv: enc, split: join(dir, "split.json"), runs: plan, repeat: REPEAT, budget_s: BUDGET_S }));
      const ours: { fit: number; first: number; acc: number }[] = [];
      for (const run of plan) {
        const times: number[] = [];
        let p: Float64Array | undefined;
        while (times.length < REPEAT && times.reduce((a, b) => a + b, 0) < BUDGET_S) {
          const m = MAKE[run.model](run.params);
          const t0 = performance.now();
          await m.fit(tr.X, tr.y);
          times.push((performance.now() - t0) / 1000);
          // every repeat must give the same model (same random_state)
          const again = m.predict(te.X);
          if (p && again.some((v, i) => v !== p![i])) throw new Error(`${set.name} ${run.model}: fit ${times.length} predicts differently from fit 1 with the same random_state`);
          p = again;
        }
        if (!p) throw new Error("no fit ran");
        let ok = 0;
        for (let i = 0; i < p.length; i++) if (p[i] === te.y[i]) ok++;
        const fit = Math.min(...times);
        ours.push({ fit, first: times[0]!, acc: ok / p.length });
        console.error(`${set.name} ${run.model}: ours ${times.map((t) => t.toFixed(2)).join(", ")} s, acc ${(ok / p.length).toFixed(4)}`);
      }
      const py = spawnSync("/usr/bin/python3", [join(__dirname, "trees.py"), join(dir, "spec.json")], { encoding: "utf8", maxBuffer: 1 << 24 });
      if (py.status !== 0) throw new Error(`trees.py failed: ${py.stderr}`);
      const theirs = py.stdout.trim().split("\n").map((l) => JSON.parse(l) as { model: string; fit_s: number; accuracy: number });
      plan.forEach((run, k) => {
        const o = ours[k]!, s = theirs[k]!;
        const params = Object.entries(run.params).filter(([key]) => key !== "random_state").map(([key, v]) => `${key}=${String(v)}`).join(" ");
        rowsOut.push([set.name, `${run.model} ${params}`, o.first.toFixed(2), o.fit.toFixed(2), s.fit_s.toFixed(2), (o.fit / s.fit_s).toFixed(2), o.acc.toFixed(4), s.accuracy.toFixed(4), ((o.acc - s.accuracy) * 100).toFixed(2)]);
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const head = ["dataset", "model", "ours 1st fit s", "ours fit s", "sklearn fit s", "ratio", "ours acc", "sklearn acc", "acc diff (pts)"];
  const widths = head.map((h, j) => Math.max(h.length, ...rowsOut.map((r) => r[j]!.length)));
  const line = (r: string[]) => "| " + r.map((c, j) => c.padEnd(widths[j]!)).join(" | ") + " |";
  console.log(line(head));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rowsOut) console.log(line(r));
  console.log(`(fit s = best of up to ${REPEAT} fits per side, none started after ${BUDGET_S} s; timings from a shared 2-core machine; ratio = ours / sklearn best)`);
}

void main();
