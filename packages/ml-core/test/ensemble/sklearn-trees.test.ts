import { readFileSync } from "node:fs";
import * as path from "node:path";
import { classificationMetrics, logLoss, regressionMetrics } from "../../src/metrics";
import { getAlgorithm } from "../../src/registry";
import { prepareDataset, type PreparedDataset } from "../prepare-dataset";

// The tree ensembles held to scikit-learn 1.2.1 on the same held-out rows: the fixture
// (scripts/make-tree-fixture.py) has scikit-learn's test scores for random_state 0..9 on shared
// datasets split and encoded as a train job does it (test/prepare-dataset.ts). Gaps below are
// ours - scikit-learn's, measured when the fixture was made.
//
// Accuracy and R^2:
// - Forests draw from other generators than scikit-learn's, so single fits differ by chance:
//   our mean over seeds 0..4 must be within max(0.02, 3 sd) of scikit-learn's mean over 0..9,
//   sd the standard deviation of that difference estimated from scikit-learn's own spread over
//   seeds (3 sd: iris 0.025, wine 0.015, breast_cancer 0.006, diabetes 0.018). Measured: iris
//   +0.013, wine -0.004, breast_cancer +0.006 accuracy; diabetes -0.002 R^2.
// - Boostings are deterministic in scikit-learn but for ties between equally good splits, which
//   random_state breaks (its scores still move over seeds: GradientBoostingRegressor's by up to
//   0.02 R^2 with absolute_error). Ours (seed 0) must lie within scikit-learn's range over its
//   seeds, widened by one test row of accuracy or 0.005 R^2. Measured: on that range for
//   GradientBoosting on wine and breast_cancer and HistGradientBoosting on iris, wine and
//   diabetes; one row below it for HistGradientBoosting on breast_cancer; 0.002 R^2 below it
//   for GradientBoostingRegressor absolute_error and huber (squared_error is inside it).
// Log loss (classifiers) also scores the probabilities, which move with changes (max_features,
// say) that barely move the accuracy of these easy problems. Our trees split at histogram bin
// edges, not at scikit-learn's exact thresholds, so probabilities differ by more than chance:
// ours (forests: the mean over seeds) must be within 20% of scikit-learn's mean. Measured:
// forests -15% iris, +15% wine, -6% breast_cancer; boostings -14% GradientBoosting on
// breast_cancer, -11% HistGradientBoosting on wine, +7% on breast_cancer, under 1% elsewhere.
//
// One known gap: GradientBoostingClassifier on iris is 3 test rows (0.079) below in accuracy and
// 34% above in log loss (49% since partitions keep each node's rows in order: iris' ties between
// equal-gain splits fall the other way for some nodes as the gradient sums round differently). Our trees split at bin edges (midpoints between neighbouring training
// values of the whole column), scikit-learn's exact trees at midpoints between the node's own
// neighbouring values; on iris' 0.1 cm grid a node's gap spans several edges and 3 of 38 test
// rows fall between the two choices. scikit-learn's HistGradientBoostingClassifier, which
// splits like ours, scores what we do (0.895, log loss 0.344). That case is allowed its gap and
// no more (KNOWN_GAPS).

interface Case {
  readonly dataset: string;
  readonly algorithm: string;
  readonly params: Record<string, unknown>;
  readonly metric: "accuracy" | "log_loss" | "r2";
  readonly scores: readonly number[];
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}
interface Fixture {
  readonly sklearn: string;
  readonly split: { readonly test_size: number; readonly random_state: number };
  readonly datasets: Record<string, { readonly target: string; readonly task: "classification" | "regression"; readonly test_rows: number[] }>;
  readonly cases: readonly Case[];
}

const fixture = JSON.parse(readFileSync(path.join(__dirname, "../fixtures/trees-sklearn.json"), "utf8")) as Fixture;
const OUR_SEEDS = [0, 1, 2, 3, 4];
const LOG_LOSS_TOLERANCE = 0.2;
/** The one known gap (see above): its allowed accuracy gap in test rows and relative log-loss gap. */
const KNOWN_GAPS: Record<string, { rows: number; logLoss: number }> = { "iris.csv GradientBoostingClassifier {}": { rows: 3, logLoss: 0.5 } };

const prepared = new Map<string, Promise<PreparedDataset>>();
function dataset(name: string): Promise<PreparedDataset> {
  const d = fixture.datasets[name]!;
  if (!prepared.has(name)) prepared.set(name, prepareDataset(name, d.target, d.task, { testSize: fixture.split.test_size, randomState: fixture.split.random_state }));
  return prepared.get(name)!;
}

const isForest = (c: Case) => c.algorithm.startsWith("RandomForest");
const key = (c: Case) => `${c.dataset} ${c.algorithm} ${JSON.stringify(c.params)}`;
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: readonly number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

/** Our score of a case: the mean over OUR_SEEDS for forests, seed 0 for boostings. */
async function ourScore(c: Case): Promise<number> {
  const d = await dataset(c.dataset);
  const spec = getAlgorithm(c.algorithm);
  const threads = spec.params.docs.some((p) => p.name === "n_jobs") ? { n_jobs: 1 } : {};
  const scores: number[] = [];
  for (const seed of isForest(c) ? OUR_SEEDS : [0]) {
    const m = await spec.create(spec.params.parse({ ...c.params, random_state: seed, ...threads })).fit(d.Xtrain, d.ytrain, d.nClasses ? { nClasses: d.nClasses } : {});
    const SCORES = {
      accuracy: () => classificationMetrics(d.ytest, m.predict(d.Xtest), d.nClasses!).accuracy,
      log_loss: () => logLoss(d.ytest, m.predictProba!(d.Xtest)),
      r2: () => regressionMetrics(d.ytest, m.predict(d.Xtest)).r2,
    } as const;
    scores.push(SCORES[c.metric]());
  }
  return mean(scores);
}

describe(`tree ensembles against scikit-learn ${fixture.sklearn} (held-out scores, same split)`, () => {
  it.each(Object.entries(fixture.datasets))("%s: our split holds out the rows scikit-learn's train_test_split does", async (name, d) => {
    expect(Array.from((await dataset(name)).testRows)).toEqual(d.test_rows);
  });

  const named = (cases: readonly Case[]) => cases.map((c) => [c.algorithm, JSON.stringify(c.params), c.dataset, c] as const);
  const by = (metric: Case["metric"], forest: boolean) => fixture.cases.filter((c) => c.metric === metric && isForest(c) === forest);

  it.each(named([...by("accuracy", true), ...by("r2", true)]))("%s %s on %s: our mean accuracy or R^2 over seeds is within max(0.02, 3 sd) of scikit-learn's", async (_a, _p, _d, c) => {
    const tolerance = Math.max(0.02, 3 * sd(c.scores) * Math.sqrt(1 / OUR_SEEDS.length + 1 / c.scores.length));
    expect(Math.abs((await ourScore(c)) - c.mean)).toBeLessThanOrEqual(tolerance);
  });

  it.each(named([...by("accuracy", false), ...by("r2", false)]))("%s %s on %s: accuracy or R^2 within scikit-learn's range over seeds, give or take one test row or 0.005 R^2", async (_a, _p, _d, c) => {
    const row = 1 / (await dataset(c.dataset)).ytest.length;
    const tolerance = c.metric === "accuracy" ? (KNOWN_GAPS[key(c)]?.rows ?? 1) * row + 1e-9 : 0.005;
    const ours = await ourScore(c);
    expect(ours).toBeGreaterThanOrEqual(c.min - tolerance);
    expect(ours).toBeLessThanOrEqual(c.max + tolerance);
  });

  it.each(named(fixture.cases.filter((c) => c.metric === "log_loss")))(`%s %s on %s: log loss within ${LOG_LOSS_TOLERANCE * 100}% of scikit-learn's`, async (_a, _p, _d, c) => {
    const tolerance = KNOWN_GAPS[key(c)]?.logLoss ?? LOG_LOSS_TOLERANCE;
    expect(Math.abs((await ourScore(c)) / c.mean - 1)).toBeLessThanOrEqual(tolerance);
  });
});
