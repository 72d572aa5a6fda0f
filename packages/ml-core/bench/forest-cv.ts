/**
 * How our RandomForestClassifier scores against scikit-learn's in the search POST /optimize runs
 * (bench:e2e): 3-fold stratified CV accuracy on churn.csv, the same folds, for random
 * configurations from the original design's RandomForest space. scikit-learn also scores each
 * configuration on features whose continuous columns are quantized to 255 quantile bins, as
 * histogram trees see them: the gap between its two columns is what binning alone costs.
 *
 *     node --import tsx bench/forest-cv.ts [--configs 24] [--seed 42]      (pnpm bench:forest-cv)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { take } from "../src/core/matrix";
import { NumpyRandomState } from "../src/model-selection/numpy-random-state";
import { stratifiedKFold } from "../src/model-selection";
import { readCsv } from "../src/data";
import { RandomForestClassifier } from "../src/ensemble";
import { Pipeline, prepareTarget } from "../src/preprocess";
import { datasetPath } from "../test/datasets";

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const N = Number(opt("configs", "24"));
const SEED = Number(opt("seed", "42"));
const PATH = datasetPath("churn.csv");

/** Uniform draws from {n_estimators 50-500, max_depth 3-20, min_samples_split 2-20, min_samples_leaf 1-10, max_features sqrt/log2/None}. */
function configs(n: number): Record<string, number | string | null>[] {
  const rs = new NumpyRandomState(7);
  const int = (lo: number, hi: number) => lo + Math.floor((rs.nextUint32() / 2 ** 32) * (hi - lo + 1));
  return Array.from({ length: n }, () => ({
    n_estimators: int(50, 500),
    max_depth: int(3, 20),
    min_samples_split: int(2, 20),
    min_samples_leaf: int(1, 10),
    max_features: (["sqrt", "log2", null] as const)[int(0, 2)]!,
  }));
}

async function main(): Promise<void> {
  const table = await readCsv(PATH);
  const target = prepareTarget(table, "Churn", "classification");
  const folds = stratifiedKFold(target.y, 3, { shuffle: true, randomState: SEED });
  const rows = Float64Array.from(target.rows);
  const plan = configs(N);
  const dir = mkdtempSync(join(tmpdir(), "bench-forest-cv-"));
  try {
    writeFileSync(join(dir, "configs.json"), JSON.stringify(plan));
    const py = spawnSync("/usr/bin/python3", [join(__dirname, "forest-cv.py"), PATH, String(SEED), join(dir, "configs.json")], { encoding: "utf8", maxBuffer: 1 << 24 });
    if (py.status !== 0) throw new Error(`forest-cv.py failed: ${py.stderr}`);
    const theirs = JSON.parse(py.stdout) as { exact: number; binned: number }[];
    console.log("| configuration | ours | sklearn | sklearn, 255 bins | ours - sklearn (pts) | binned - exact sklearn (pts) |");
    console.log("|---|---|---|---|---|---|");
    let dOurs = 0, dBins = 0, below = 0;
    for (const [i, p] of plan.entries()) {
      let acc = 0;
      for (const fold of folds) {
        const trainRows = take(rows, fold.train);
        const pipeline = Pipeline.fit(table, trainRows, { target: "Churn", scale: false });
        const model = await new RandomForestClassifier({ ...p, random_state: SEED, n_jobs: 1 } as never).fit(pipeline.transform(table, trainRows), take(target.y, fold.train));
        const pred = model.predict(pipeline.transform(table, take(rows, fold.test)));
        const truth = take(target.y, fold.test);
        let ok = 0;
        for (let r = 0; r < truth.length; r++) if (pred[r] === truth[r]) ok++;
        acc += ok / truth.length / folds.length;
      }
      const s = theirs[i]!;
      dOurs += acc - s.exact;
      dBins += s.binned - s.exact;
      if (acc < s.exact) below++;
      console.log(`| ${JSON.stringify(p)} | ${acc.toFixed(4)} | ${s.exact.toFixed(4)} | ${s.binned.toFixed(4)} | ${((acc - s.exact) * 100).toFixed(2)} | ${((s.binned - s.exact) * 100).toFixed(2)} |`);
    }
    console.log(`mean over ${N} configurations: ours - sklearn ${((dOurs / N) * 100).toFixed(3)} pts (ours below on ${below}); sklearn on 255 bins - sklearn exact ${((dBins / N) * 100).toFixed(3)} pts`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
