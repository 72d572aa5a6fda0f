/**
 * XGBClassifier / XGBRegressor against Debian's python3-xgboost (tree_method="hist", n_jobs=2) on
 * the same encoded matrix and 80/20 split, in the same run: held-out accuracy (R^2 for regression)
 * and log loss as the mean over random_state 0..SEEDS-1, and fit time (best of the seeds' fits) with
 * the ratio ours / xgboost. The encoded matrix and split go to a temp dir read by bench/xgb.py,
 * spawned with /usr/bin/python3. Ours runs compiled by tsc (see bench/trees.ts), as production runs it.
 *
 *     node --import tsx bench/xgb.ts [--rows 200000] [--only iris,wine,...,generated] [--seeds 5]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Matrix } from "../src/core/matrix";
import { readCsv } from "../src/data";
import type * as Ensemble from "../src/ensemble";
import { logLoss, regressionMetrics } from "../src/metrics";
import { Pipeline, prepareTarget } from "../src/preprocess";
import { datasetPath } from "../test/datasets";
import { defaultSettings, makeClassification, writeCsv } from "./gen-classification";
import { compiledEnsemble, splitRows, subset } from "./shared";

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const ROWS = Number(opt("rows", "200000"));
const SEEDS = Number(opt("seeds", "5"));
const ONLY = opt("only", "iris,wine,breast_cancer,churn,shuttle,diabetes,ames,generated").split(",");

type Task = "classification" | "regression";
interface Set {
  name: string;
  path: string;
  target: string;
  task: Task;
  /** Fits per side: the generated set is fitted once per seed only up to this many. */
  seeds: number;
}

const E = compiledEnsemble();

/** Through the data layer: readCsv, prepareTarget, Pipeline (median imputation, one-hot) fitted on the training rows. */
async function encode(set: Set): Promise<{ X: Matrix; y: Float64Array; train: number[]; test: number[]; nClasses?: number }> {
  const table = await readCsv(set.path);
  const t = prepareTarget(table, set.target, set.task);
  const { train, test } = splitRows(t.rows.length);
  const pipe = Pipeline.fit(table, train.map((i) => t.rows[i]!), { target: set.target, scale: false });
  return { X: pipe.transform(table, t.rows), y: t.y, train, test, ...(t.labels ? { nClasses: t.labels.length } : {}) };
}

interface Side {
  fit_s: number;
  /** xgboost only: one fit with n_jobs=1. */
  fit_1thread_s?: number;
  score: number;
  log_loss: number | null;
}

async function ours(set: Set, enc: Awaited<ReturnType<typeof encode>>): Promise<Side> {
  const tr = subset(enc.X, enc.y, enc.train);
  const te = subset(enc.X, enc.y, enc.test);
  const times: number[] = [];
  let score = 0, loss = 0;
  for (let seed = 0; seed < set.seeds; seed++) {
    const m = set.task === "classification" ? new E.XGBClassifier({ random_state: seed }) : new E.XGBRegressor({ random_state: seed });
    const t0 = performance.now();
    await m.fit(tr.X, tr.y, enc.nClasses ? { nClasses: enc.nClasses } : {});
    times.push((performance.now() - t0) / 1000);
    const p = m.predict(te.X);
    if (set.task === "regression") score += regressionMetrics(te.y, p).r2;
    else {
      score += p.filter((v, i) => v === te.y[i]).length / p.length;
      loss += logLoss(te.y, (m as Ensemble.XGBClassifier).predictProba(te.X));
    }
  }
  return { fit_s: Math.min(...times), score: score / set.seeds, log_loss: set.task === "classification" ? loss / set.seeds : null };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-xgb-"));
  const rows: string[][] = [];
  const load0 = loadavg()[0]!;
  try {
    const sets: Set[] = [
      { name: "iris", path: datasetPath("iris.csv"), target: "species", task: "classification" as Task, seeds: SEEDS },
      { name: "wine", path: datasetPath("wine.csv"), target: "cultivar", task: "classification" as Task, seeds: SEEDS },
      { name: "breast_cancer", path: datasetPath("breast_cancer.csv"), target: "diagnosis", task: "classification" as Task, seeds: SEEDS },
      { name: "churn", path: datasetPath("churn.csv"), target: "Churn", task: "classification" as Task, seeds: SEEDS },
      { name: "shuttle", path: datasetPath("shuttle.csv"), target: "Class", task: "classification" as Task, seeds: SEEDS },
      { name: "diabetes", path: datasetPath("diabetes.csv"), target: "progression", task: "regression" as Task, seeds: SEEDS },
      { name: "ames", path: datasetPath("ames.csv"), target: "Sale_Price", task: "regression" as Task, seeds: SEEDS },
    ].filter((s) => ONLY.includes(s.name));
    if (ONLY.includes("generated")) {
      const path = join(dir, "generated.csv");
      const { X, y } = makeClassification(defaultSettings(ROWS, 30));
      writeCsv(path, X, y);
      sets.push({ name: `generated ${ROWS}x30`, path, target: "target", task: "classification", seeds: Math.min(SEEDS, 2) });
    }
    for (const set of sets) {
      const enc = await encode(set);
      const csv = join(dir, "encoded.csv");
      writeCsv(csv, enc.X, enc.y);
      writeFileSync(join(dir, "spec.json"), JSON.stringify({ csv, train: enc.train, test: enc.test, task: set.task, seeds: set.seeds }));
      const o = await ours(set, enc);
      const py = spawnSync("/usr/bin/python3", [join(__dirname, "xgb.py"), join(dir, "spec.json")], { encoding: "utf8", maxBuffer: 1 << 24 });
      if (py.status !== 0) throw new Error(`xgb.py failed: ${py.stderr}`);
      const x = JSON.parse(py.stdout.trim()) as Side;
      const diff = ((o.score - x.score) * 100).toFixed(2);
      const lossPct = o.log_loss !== null && x.log_loss !== null ? (((o.log_loss - x.log_loss) / x.log_loss) * 100).toFixed(1) + "%" : "";
      rows.push([set.name, `${enc.train.length}x${enc.X.cols}`, o.fit_s.toFixed(2), x.fit_s.toFixed(2), (o.fit_s / x.fit_s).toFixed(2), x.fit_1thread_s?.toFixed(2) ?? "", o.score.toFixed(4), x.score.toFixed(4), diff, o.log_loss?.toFixed(4) ?? "", x.log_loss?.toFixed(4) ?? "", lossPct]);
      console.error(rows[rows.length - 1]!.join("  "));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const head = ["dataset", "train rows x cols", "ours fit s", "xgboost fit s", "ratio", "xgboost 1-thread fit s", "ours acc/R2", "xgboost acc/R2", "diff (pts)", "ours log loss", "xgboost log loss", "log loss diff"];
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (r: string[]) => "| " + r.map((c, j) => c.padEnd(widths[j]!)).join(" | ") + " |";
  console.log(line(head));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rows) console.log(line(r));
  console.log(`(defaults both sides, tree_method="hist", xgboost n_jobs=2; scores = mean over random_state 0..${SEEDS - 1} (generated: first ${Math.min(SEEDS, 2)}); fit s = best of those fits; ratio = ours / xgboost; 1-min load average ${load0.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end, on a shared 2-core machine)`);
}

void main();
