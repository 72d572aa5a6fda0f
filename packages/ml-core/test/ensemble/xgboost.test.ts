import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Matrix } from "../../src/core/matrix";
import { InvalidHyperparameterError } from "../../src/core/errors";
import { XGBClassifier, XGBRegressor, XGB_CLASSIFIER_PARAMS } from "../../src/ensemble/xgboost";
import { regularizedGain, regularizedWeight, thresholdL1 } from "../../src/tree/regularization";
import { logLoss as probaLogLoss, regressionMetrics } from "../../src/metrics";
import { prepareDataset, type PreparedDataset } from "../prepare-dataset";
import { runStages } from "../staged";

// Parity with Debian's python3-xgboost 1.7.4 (tree_method="hist"): see scripts/make-xgb-fixture.py.
interface Reference {
  margins: { dataset: string; target: string; task: "classification" | "regression"; missing_every_7th_of_first_column: boolean; params: Record<string, unknown>; margins: number[] }[];
  scores: { dataset: string; target: string; task: "classification" | "regression"; params: Record<string, unknown>; seeds: number[]; mean: Record<string, number> }[];
  tiny: { X: number[]; y: number[]; cases: { params: Record<string, unknown>; predictions: number[] }[] };
}
const REF = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "xgb-reference.json"), "utf8")) as Reference;

const cache = new Map<string, Promise<PreparedDataset>>();
function dataset(file: string, target: string, task: "classification" | "regression"): Promise<PreparedDataset> {
  const key = `${file}/${target}`;
  if (!cache.has(key)) cache.set(key, prepareDataset(file, target, task));
  return cache.get(key)!;
}

const make = (task: "classification" | "regression", params: Record<string, unknown>) => (task === "classification" ? new XGBClassifier(params) : new XGBRegressor(params));

/** The script's missing values: every 7th file row's first column. */
function withMissing(d: PreparedDataset): Matrix {
  const data = Float64Array.from(d.Xtrain.data);
  d.trainRows.forEach((row, i) => {
    if (row % 7 === 0) data[i * d.Xtrain.cols] = NaN;
  });
  return { ...d.Xtrain, data };
}

describe("XGBoost's formulas (tree/regularization.ts)", () => {
  const r = { l2: 1, alpha: 2, maxDeltaStep: 0, minChildWeight: 0 };
  it("thresholds |G| <= alpha to exactly 0 and moves larger G towards 0 by alpha", () => {
    expect([thresholdL1(2, 2), thresholdL1(-2, 2), thresholdL1(1.5, 2), thresholdL1(5, 2), thresholdL1(-5, 2)]).toEqual([0, 0, 0, 3, -3]);
    expect(regularizedWeight(5, 2, r)).toBe(1); // (5 - 2) / (2 + 1)
    expect(regularizedGain(5, 2, r)).toBe(3); // 3^2 / 3
  });

  it("clips the weight to max_delta_step and scores the clipped weight", () => {
    const c = { l2: 0, alpha: 0, maxDeltaStep: 0.3, minChildWeight: 0 };
    expect(regularizedWeight(2, 2, c)).toBe(0.3);
    expect(regularizedWeight(-2, 2, c)).toBe(-0.3);
    expect(regularizedGain(2, 2, c)).toBeCloseTo(2 * 2 * 0.3 - 2 * 0.09, 12);
  });
});

describe("XGBRegressor on four hand-checkable rows", () => {
  // x = 0, 1, 2, 3 and y = 0, 0, 1, 1 from base_score 0, lambda 0, one stump, learning rate 1.
  // Negative gradients are y: the root has G = 2, H = 4; the split x < 2 gives (G, H) = (0, 2) and (2, 2).
  // Its gain is 0^2/2 + 2^2/2 - 2^2/4 = 1 (XGBoost compares gamma with this, without the 1/2).
  const X: Matrix = { data: Float64Array.from(REF.tiny.X), rows: 4, cols: 1 };
  const y = Float64Array.from(REF.tiny.y);
  const stump = async (extra: Record<string, number>) => {
    const m = await new XGBRegressor({ n_estimators: 1, learning_rate: 1, reg_lambda: 0, min_child_weight: 0, base_score: 0, max_depth: 1, ...extra }).fit(X, y);
    return Array.from(m.predict(X));
  };
  const xgboost = (extra: Record<string, number>) => REF.tiny.cases.find((c) => Object.entries(extra).every(([k, v]) => c.params[k] === v))!.predictions;

  it("gamma prunes a split whose gain (1) is below it, and keeps it at or above", async () => {
    expect(await stump({ gamma: 0.99 })).toEqual([0, 0, 1, 1]);
    expect(await stump({ gamma: 1 })).toEqual([0, 0, 1, 1]);
    expect(await stump({ gamma: 1.01 })).toEqual([0.5, 0.5, 0.5, 0.5]); // the root's weight 2 / 4
    for (const gamma of [0.99, 1, 1.01]) expect(await stump({ gamma })).toEqual(xgboost({ gamma }));
  });

  it("min_child_weight refuses a child whose hessian sum (2) is below it", async () => {
    expect(await stump({ min_child_weight: 2 })).toEqual([0, 0, 1, 1]);
    expect(await stump({ min_child_weight: 2.1 })).toEqual([0.5, 0.5, 0.5, 0.5]);
    for (const min_child_weight of [2, 2.1]) expect(await stump({ min_child_weight })).toEqual(xgboost({ min_child_weight }));
  });

  it("reg_alpha shrinks leaf weights to exactly 0 where |G| <= alpha", async () => {
    // left G = 0: weight 0 for any alpha; right G = 2: (2 - alpha) / 2 while alpha < 2, then 0
    expect(await stump({ reg_alpha: 0.5 })).toEqual([0, 0, 0.75, 0.75]);
    expect(await stump({ reg_alpha: 1 })).toEqual([0, 0, 0.5, 0.5]);
    expect(await stump({ reg_alpha: 2 })).toEqual([0, 0, 0, 0]);
    expect(await stump({ reg_alpha: 2.5 })).toEqual([0, 0, 0, 0]);
    for (const reg_alpha of [0.5, 1, 2, 2.5]) expect(await stump({ reg_alpha })).toEqual(xgboost({ reg_alpha }));
  });

  it("max_delta_step clips the leaf weight", async () => {
    // XGBoost holds its parameters in float32: the weight is 0.3f
    expect(await stump({ max_delta_step: 0.3 })).toEqual([0, 0, Math.fround(0.3), Math.fround(0.3)]);
    expect(await stump({ max_delta_step: 0.3 })).toEqual(xgboost({ max_delta_step: 0.3 }));
  });
});

describe("missing values a node never saw", () => {
  it("go right, as in XGBoost (python3-xgboost 1.7.4 predicts 1, 0, 1 here)", async () => {
    // x = 0..4, y = 0, 0, 0, 1, 1: the stump x < 3 has the larger side on the left
    const X: Matrix = { data: Float64Array.of(0, 1, 2, 3, 4), rows: 5, cols: 1 };
    const m = await new XGBRegressor({ n_estimators: 1, learning_rate: 1, reg_lambda: 0, min_child_weight: 0, base_score: 0, max_depth: 1 }).fit(X, Float64Array.of(0, 0, 0, 1, 1));
    expect(Array.from(m.predict({ data: Float64Array.of(NaN, 0, 4), rows: 3, cols: 1 }))).toEqual([1, 0, 1]);
  });
});

describe("parity with xgboost: training margins after 10 rounds, tree for tree", () => {
  it.each(REF.margins.map((c) => [`${c.dataset}${c.missing_every_7th_of_first_column ? " (missing values)" : ""} ${JSON.stringify(c.params)}`, c] as const))("%s", async (_name, c) => {
    const d = await dataset(c.dataset, c.target, c.task);
    const X = c.missing_every_7th_of_first_column ? withMissing(d) : d.Xtrain;
    const m = await make(c.task, { ...c.params, random_state: 0 }).fit(X, d.ytrain, { ...(d.nClasses ? { nClasses: d.nClasses } : {}) });
    const ours = m.decisionFunction(X);
    expect(ours).toHaveLength(c.margins.length);
    // xgboost sums in float32: agreement to float32 precision
    const off = c.margins.filter((v, i) => Math.abs(ours[i]! - v) > 1e-4 * (1 + Math.abs(v)));
    // Known departures, with max_delta_step only: 14 of 399 margins on wine, 9 of 426 on
    // breast_cancer. On wine XGBoost makes a split whose gain is float32 rounding noise (1.9e-6,
    // above its 1e-6 floor) between two leaves clipped to the same weight; exact arithmetic finds
    // no gain there.
    const KNOWN: Record<string, number> = { "wine.csv": 15, "breast_cancer.csv": 10 };
    const known = c.params.max_delta_step !== undefined ? (KNOWN[c.dataset] ?? 0) : 0;
    if (known > 0) expect(off.length).toBeLessThanOrEqual(known);
    else expect(off).toEqual([]);
  });
});

describe("parity with xgboost: held-out scores, mean of random_state 0..4", () => {
  it.each(REF.scores.map((c) => [`${c.dataset} ${JSON.stringify(c.params)}`, c] as const))("%s", async (_name, c) => {
    const d = await dataset(c.dataset, c.target, c.task);
    let acc = 0, loss = 0, score = 0;
    for (const seed of c.seeds) {
      const m = make(c.task, { ...c.params, random_state: seed });
      await m.fit(d.Xtrain, d.ytrain, { ...(d.nClasses ? { nClasses: d.nClasses } : {}) });
      const p = m.predict(d.Xtest);
      if (c.task === "regression") score += regressionMetrics(d.ytest, p).r2;
      else {
        acc += p.filter((v, i) => v === d.ytest[i]).length / p.length;
        loss += probaLogLoss(d.ytest, (m as XGBClassifier).predictProba(d.Xtest));
      }
    }
    const k = c.seeds.length;
    // Without sampling: 1 point, and 3% of log loss. With sampling the random streams differ, and on ~110 held-out rows one seed's R^2 spreads over
    // 0.19-0.47 on both sides: a loose check that sampling does not break the model.
    const sampled = Object.keys(c.params).length > 0;
    const [points, relLoss] = sampled ? [0.1, 0.25] : [0.01, 0.03];
    if (c.task === "regression") expect(Math.abs(score / k - c.mean.r2!)).toBeLessThanOrEqual(points);
    else {
      expect(Math.abs(acc / k - c.mean.accuracy!)).toBeLessThanOrEqual(points);
      expect(Math.abs(loss / k / c.mean.log_loss! - 1)).toBeLessThanOrEqual(relLoss);
    }
  });
});

describe("XGBClassifier parameters", () => {
  it("takes XGBoost's aliases, and refuses an alias given with its parameter", () => {
    expect(XGB_CLASSIFIER_PARAMS.parse({ eta: 0.1, min_split_loss: 2, lambda: 3, alpha: 4 })).toMatchObject({ learning_rate: 0.1, gamma: 2, reg_lambda: 3, reg_alpha: 4 });
    expect(() => XGB_CLASSIFIER_PARAMS.parse({ eta: 0.1, learning_rate: 0.2 })).toThrow(InvalidHyperparameterError);
  });

  it("has XGBoost's defaults", () => {
    expect(XGB_CLASSIFIER_PARAMS.defaults).toMatchObject({ n_estimators: 100, max_depth: 6, learning_rate: 0.3, min_child_weight: 1, gamma: 0, subsample: 1, colsample_bytree: 1, colsample_bylevel: 1, colsample_bynode: 1, reg_lambda: 1, reg_alpha: 0, max_delta_step: 0, max_bin: 256, grow_policy: "depthwise", max_leaves: 0, scale_pos_weight: 1, base_score: 0.5, objective: "binary:logistic" });
  });

  it("refuses max_depth 0 with depthwise growth, and multi:softprob on two classes, with a 400", async () => {
    expect(() => XGB_CLASSIFIER_PARAMS.parse({ max_depth: 0 })).toThrow(/lossguide/);
    const X: Matrix = { data: Float64Array.of(0, 1, 2, 3), rows: 4, cols: 1 };
    await expect(new XGBClassifier({ objective: "multi:softprob" }).fit(X, Float64Array.of(0, 0, 1, 1))).rejects.toMatchObject({ status: 400, code: "INVALID_HYPERPARAMETER" });
  });

  it("limits lossguide trees to max_leaves", async () => {
    const d = await dataset("breast_cancer.csv", "diagnosis", "classification");
    const m = await new XGBClassifier({ n_estimators: 3, grow_policy: "lossguide", max_leaves: 5, max_depth: 0, random_state: 0 }).fit(d.Xtrain, d.ytrain);
    expect(m.trees_!.feature.length).toBe(3 * 9); // 5 leaves, 4 splits per tree
  });

  it("scale_pos_weight raises the predicted probability of the positive class", async () => {
    const d = await dataset("breast_cancer.csv", "diagnosis", "classification");
    const mean = async (w: number) => {
      const m = await new XGBClassifier({ n_estimators: 10, scale_pos_weight: w, random_state: 0 }).fit(d.Xtrain, d.ytrain);
      const P = m.predictProba(d.Xtest);
      let s = 0;
      for (let i = 0; i < P.rows; i++) s += P.data[2 * i + 1]!;
      return s / P.rows;
    };
    expect(await mean(5)).toBeGreaterThan(await mean(1));
  });

  it("early stopping keeps the best round on the held-out share", async () => {
    const d = await dataset("breast_cancer.csv", "diagnosis", "classification");
    const m = await new XGBClassifier({ n_estimators: 500, early_stopping_rounds: 5, validation_fraction: 0.2, random_state: 0 }).fit(d.Xtrain, d.ytrain);
    expect(m.nIter_).toBeLessThan(500);
    expect(m.trees_!.nTrees).toBe(m.nIter_);
  });
});

describe("XGBoost fitted in stages (fitStages)", () => {
  it.each([
    ["XGBClassifier, three classes, rows and columns sampled", "wine.csv", "cultivar", "classification", { n_estimators: 25, subsample: 0.8, colsample_bytree: 0.7, colsample_bynode: 0.8, random_state: 3 }, [10, 20]],
    ["XGBRegressor, lossguide", "diabetes.csv", "progression", "regression", { n_estimators: 30, grow_policy: "lossguide", max_leaves: 8, subsample: 0.9, random_state: 1 }, [10, 20]],
  ] as const)("%s: pauses every 10 rounds with the model of those rounds, ends with fit's model to the bit", async (_, file, target, task, params, pauses) => {
    const d = await dataset(file, target, task);
    const out = (m: XGBClassifier | XGBRegressor) => (m instanceof XGBClassifier ? m.predictProba(d.Xtest).data : m.predict(d.Xtest));
    const run = await runStages(make(task, params), d.Xtrain, d.ytrain, 10, out);
    expect(run.units).toEqual(pauses);
    for (const [i, rounds] of run.units.entries()) expect(run.outputs[i]).toEqual(Array.from(out(await make(task, { ...params, n_estimators: rounds }).fit(d.Xtrain, d.ytrain))));
    const full = await make(task, params).fit(d.Xtrain, d.ytrain);
    expect(run.model.toState()).toEqual(full.toState());
    expect(Array.from(out(run.model))).toEqual(Array.from(out(full)));
    expect(run.outputs[0]).not.toEqual(Array.from(out(full)));
  });

  it("with early stopping, pauses on every tree so far and ends with fit's model: the best round's", async () => {
    const d = await dataset("breast_cancer.csv", "diagnosis", "classification");
    const params = { n_estimators: 500, early_stopping_rounds: 5, validation_fraction: 0.2, random_state: 0 };
    const run = await runStages(new XGBClassifier(params), d.Xtrain, d.ytrain, 10, (m) => m.predictProba(d.Xtest).data);
    const full = await new XGBClassifier(params).fit(d.Xtrain, d.ytrain);
    expect(full.nIter_).toBeLessThan(500);
    expect(run.units.length).toBeGreaterThan(1);
    expect(run.units).toEqual(Array.from({ length: run.units.length }, (_, i) => 10 * (i + 1)));
    expect(run.model.toState()).toEqual(full.toState());
  });
});
