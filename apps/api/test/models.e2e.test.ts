import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { trainTestSplit } from "@mlw/ml-core/model-selection";
import { call, DATA_DIR, useStack } from "./support/stack";

const stack = useStack();
let churnRf: { model_id: string; metrics: Record<string, number> };
let churnLr: { model_id: string; metrics: Record<string, number> };
let diabetes: { model_id: string; metrics: Record<string, number> };

const churn = { dataset_path: "churn.csv", target_column: "Churn" };
// MLPRegressor has no importances of its own, so evaluate must fall back to permutation importance.
const diabetesMlp = { algorithm: "MLPRegressor", hyperparams: { hidden_layer_sizes: [16], learning_rate_init: 0.01, max_iter: 300 } };

type Row = Record<string, string>;
const readCsv = (file: string): Row[] => parse(readFileSync(path.join(DATA_DIR, file)), { columns: true }) as Row[];

/**
 * The rows a model trained with the defaults (test_size 0.2, random_state 42) held out: the
 * split is scikit-learn's train_test_split (stratified by class for a classifier) index for index.
 */
function heldOut(rows: Row[], target: string, stratify: boolean): Row[] {
  const classes = [...new Set(rows.map((r) => r[target]!))].sort();
  const y = rows.map((r) => classes.indexOf(r[target]!));
  const { test } = trainTestSplit(rows.length, { testSize: 0.2, randomState: 42, stratify: stratify ? y : undefined });
  return Array.from(test, (i) => rows[i]!);
}

const without = (row: Row, column: string): Row => Object.fromEntries(Object.entries(row).filter(([k]) => k !== column));

beforeAll(async () => {
  const train = async (body: object) => {
    const res = await call(stack.api.url, "POST", "/train?wait=120", body);
    if (res.status !== 200) throw new Error(`training failed: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  churnRf = await train({ ...churn, algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 40 } });
  churnLr = await train({ ...churn, algorithm: "LogisticRegression" });
  diabetes = await train({ dataset_path: "diabetes.csv", target_column: "progression", ...diabetesMlp });
}, 240_000);

describe("GET /model/{id}/evaluate", () => {
  it("answers 202 with the job, then the evaluation, reproducing the training metrics", async () => {
    const first = await call(stack.api.url, "GET", `/model/${churnRf.model_id}/evaluate`);
    expect([200, 202]).toContain(first.status);
    const res = await call(stack.api.url, "GET", `/model/${churnRf.model_id}/evaluate?wait=60`);
    expect(res.status).toBe(200);
    expect(res.body.metrics).toEqual(churnRf.metrics);
    expect(res.body.labels).toEqual(["No", "Yes"]);
    const cm: number[][] = res.body.confusion_matrix;
    expect(cm.flat().reduce((a, b) => a + b, 0)).toBe(res.body.n_test);
    expect((cm[0]![0]! + cm[1]![1]!) / res.body.n_test).toBeCloseTo(churnRf.metrics.accuracy!, 12);
    expect(res.body.classification_report).toMatch(/precision\s+recall\s+f1-score\s+support/);
    expect(res.body.classification_report).toMatch(/\n\s+Yes\s/);
    expect(res.body.roc_auc).toBeGreaterThan(0.7);
    // The ROC curve of "Yes": from (0, 0) to (1, 1), and the area under it is the AUC.
    const { fpr, tpr } = res.body.roc_curve as { fpr: number[]; tpr: number[] };
    expect([fpr[0], tpr[0], fpr.at(-1), tpr.at(-1)]).toEqual([0, 0, 1, 1]);
    const area = fpr.slice(1).reduce((sum, x, i) => sum + ((x - fpr[i]!) * (tpr[i + 1]! + tpr[i]!)) / 2, 0);
    expect(area).toBeCloseTo(res.body.roc_auc, 10);
    expect(res.body.log_loss).toBeGreaterThan(0);
    const importance = res.body.feature_importance;
    expect(Object.keys(importance)).toEqual(expect.arrayContaining(["tenure", "contract", "monthly_charges"]));
    expect(Object.keys(importance)).not.toContain("Churn");
    const total = Object.values(importance as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 6);
    // cached: answers at once, same body
    const again = await call(stack.api.url, "GET", `/model/${churnRf.model_id}/evaluate`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);
  });

  it("uses permutation importance for a model without importances, and summarises residuals for regression", async () => {
    const res = await call(stack.api.url, "GET", `/model/${diabetes.model_id}/evaluate?wait=60`);
    expect(res.status).toBe(200);
    expect(res.body.metrics).toEqual(diabetes.metrics);
    expect(diabetes.metrics.r2).toBeGreaterThan(0.3); // a model worth explaining

    expect(res.body.feature_importance_method).toBe("permutation");
    const importance: Record<string, number> = res.body.feature_importance;
    expect(Object.keys(importance).sort()).toEqual(["age", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6", "sex"]);
    for (const v of Object.values(importance)) expect(Number.isFinite(v)).toBe(true);
    // Shuffling bmi or s5 (the strongest predictors of diabetes progression) costs the most r2.
    const ranked = Object.keys(importance).sort((a, b) => importance[b]! - importance[a]!);
    expect(ranked.slice(0, 3)).toEqual(expect.arrayContaining(["bmi", "s5"]));
    expect(importance.bmi).toBeGreaterThan(0.05);

    // The residual summary, computed here from the API's predictions of the held-out rows.
    const test = heldOut(readCsv("diabetes.csv"), "progression", false);
    expect(res.body.n_test).toBe(test.length);
    const pred = await call(stack.api.url, "POST", `/model/${diabetes.model_id}/predict`, { rows: test.map((r) => without(r, "progression")) });
    expect(pred.status).toBe(200);
    const residuals = test.map((r, i) => Number(r.progression) - pred.body.predictions[i]);
    const sorted = [...residuals].sort((a, b) => a - b);
    const quantile = (p: number) => {
      const pos = (sorted.length - 1) * p; // numpy's default (linear) interpolation
      const lo = Math.floor(pos);
      return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (pos - lo);
    };
    const mean = residuals.reduce((a, b) => a + b, 0) / residuals.length;
    const std = Math.sqrt(residuals.reduce((a, b) => a + (b - mean) ** 2, 0) / residuals.length);
    const expected = { mean, std, min: sorted[0]!, p25: quantile(0.25), median: quantile(0.5), p75: quantile(0.75), max: sorted[sorted.length - 1]! };
    expect(Object.keys(res.body.residuals).sort()).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) expect([k, res.body.residuals[k]]).toEqual([k, expect.closeTo(v, 9)]);
    // and they agree with the training metrics: mean squared residual = mse
    expect(std ** 2 + mean ** 2).toBeCloseTo(diabetes.metrics.mse!, 6);
  });
});

describe("POST /model/{id}/predict", () => {
  const raw = parse(readFileSync(path.join(DATA_DIR, "churn.csv")), { columns: true, to_line: 6 }) as Record<string, string>[];

  it("predicts raw churn rows, with a missing value and an unseen category", async () => {
    const rows = raw.map(({ Churn: _c, ...r }) => r);
    delete (rows[1] as Record<string, unknown>).tenure; // a missing column
    rows[2]!.total_charges = ""; // a missing value
    rows[3]!.payment_method = "Carrier pigeon"; // unseen at fit time
    const res = await call(stack.api.url, "POST", `/model/${churnRf.model_id}/predict`, { rows });
    expect(res.status).toBe(200);
    expect(res.body.predictions).toHaveLength(5);
    for (const p of res.body.predictions) expect(["No", "Yes"]).toContain(p);
    for (const p of res.body.probabilities) {
      expect(Object.keys(p).sort()).toEqual(["No", "Yes"]);
      expect(p.No + p.Yes).toBeCloseTo(1, 9);
    }
  });

  it("answers the same predictions as the model evaluated in the worker (loaded model = trained model)", async () => {
    // The held-out rows the train job scored, predicted by the model the API loads from the store.
    const test = heldOut(readCsv("churn.csv"), "Churn", true);
    const res = await call(stack.api.url, "POST", `/model/${churnLr.model_id}/predict`, { rows: test.map((r) => without(r, "Churn")) });
    expect(res.status).toBe(200);
    const predicted: string[] = res.body.predictions;
    expect(predicted).toHaveLength(test.length);
    const count = (f: (truth: string, p: string) => boolean) => test.filter((r, i) => f(r.Churn!, predicted[i]!)).length;
    const tp = count((t, p) => t === "Yes" && p === "Yes");
    const fp = count((t, p) => t === "No" && p === "Yes");
    const fn = count((t, p) => t === "Yes" && p === "No");
    expect(count((t, p) => t === p) / test.length).toBe(churnLr.metrics.accuracy);
    expect(tp / (tp + fp)).toBe(churnLr.metrics.precision);
    expect(tp / (tp + fn)).toBe(churnLr.metrics.recall);
    expect((2 * tp) / (2 * tp + fp + fn)).toBeCloseTo(churnLr.metrics.f1_score!, 12);
  });

  it("refuses a wrong type with a 422 naming the row and column", async () => {
    const rows = raw.slice(0, 2).map(({ Churn: _c, ...r }) => ({ ...r }));
    (rows[1] as Record<string, unknown>).monthly_charges = "a lot";
    const res = await call(stack.api.url, "POST", `/model/${churnRf.model_id}/predict`, { rows });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/monthly_charges/);
    expect(res.body.error.message).toMatch(/1/);
  });

  it("refuses a row with none of the model's columns (misnamed) with a 422 naming them, rather than predicting it from imputed values", async () => {
    const shouted = Object.fromEntries(Object.entries(raw[0]!).map(([k, v]) => [k.toUpperCase(), v]));
    const res = await call(stack.api.url, "POST", `/model/${churnRf.model_id}/predict`, { rows: [without(raw[0]!, "Churn"), shouted] });
    expect([res.status, res.body.error.code, res.body.error.details.row]).toEqual([422, "NO_KNOWN_COLUMNS", 1]);
    expect(res.body.error.message).toMatch(/monthly_charges/);
  });

  it("refuses a body with a field beside rows (a misspelt `rows` is not an empty request)", async () => {
    const res = await call(stack.api.url, "POST", `/model/${churnRf.model_id}/predict`, { rows: [without(raw[0]!, "Churn")], proba: true });
    expect([res.status, res.body.error.code]).toEqual([400, "VALIDATION_ERROR"]);
    expect(res.body.error.message).toContain("proba");
    const misspelt = await call(stack.api.url, "POST", `/model/${churnRf.model_id}/predict`, { row: [without(raw[0]!, "Churn")] });
    expect([misspelt.status, misspelt.body.error.message]).toEqual([400, "`rows` is required."]);
  });

  it("predicts numbers for a regressor", async () => {
    const rows = [{ age: 0.03, sex: 0.05, bmi: 0.06, bp: 0.02, s1: -0.04, s2: -0.03, s3: -0.04, s4: -0.002, s5: 0.02, s6: -0.02 }];
    const res = await call(stack.api.url, "POST", `/model/${diabetes.model_id}/predict`, { rows });
    expect(res.status).toBe(200);
    expect(typeof res.body.predictions[0]).toBe("number");
    expect(res.body.probabilities).toBeUndefined();
  });
});

describe("model catalogue", () => {
  it("lists newest first with filters and cursor pagination", async () => {
    const all = await call(stack.api.url, "GET", "/models");
    expect(all.body.models.map((m: any) => m.model_id)).toEqual([diabetes.model_id, churnLr.model_id, churnRf.model_id]);
    const page1 = await call(stack.api.url, "GET", "/models?limit=2");
    expect(page1.body.models).toHaveLength(2);
    const page2 = await call(stack.api.url, "GET", `/models?limit=2&cursor=${page1.body.next_cursor}`);
    expect(page2.body.models.map((m: any) => m.model_id)).toEqual([churnRf.model_id]);
    expect(page2.body.next_cursor).toBeNull();
    const rf = await call(stack.api.url, "GET", "/models?algorithm=RandomForestClassifier");
    expect(rf.body.models.map((m: any) => m.model_id)).toEqual([churnRf.model_id]);
    const reg = await call(stack.api.url, "GET", "/models?task=regression&dataset=diabetes.csv");
    expect(reg.body.models.map((m: any) => m.model_id)).toEqual([diabetes.model_id]);
  });

  it("shows one model in the original metadata shape", async () => {
    const res = await call(stack.api.url, "GET", `/models/${churnRf.model_id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ model_id: churnRf.model_id, algorithm: "RandomForestClassifier", metrics: churnRf.metrics, dataset_path: "churn.csv", target_column: "Churn" });
    expect(res.body.hyperparams.n_estimators).toBe(40);
    expect(Date.parse(res.body.created_at)).not.toBeNaN();
  });

  it("compares models trained on the same dataset, and refuses others", async () => {
    const ok = await call(stack.api.url, "GET", `/models/compare?ids=${churnRf.model_id},${churnLr.model_id}`);
    expect(ok.status).toBe(200);
    expect(ok.body.models.map((m: any) => m.model_id)).toEqual([churnRf.model_id, churnLr.model_id]);
    expect([churnRf.model_id, churnLr.model_id]).toContain(ok.body.best.accuracy);
    const bad = await call(stack.api.url, "GET", `/models/compare?ids=${churnRf.model_id},${diabetes.model_id}`);
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe("MODELS_NOT_COMPARABLE");
  });

  it("answers 404 for unknown or malformed ids everywhere", async () => {
    for (const [method, url] of [
      ["GET", "/models/model-0000000000000000"],
      ["GET", "/models/..%2F..%2Fetc"],
      ["GET", "/model/model-0000000000000000/evaluate"],
      ["POST", "/model/nope/predict"],
      ["DELETE", "/models/model-0000000000000000"],
      ["GET", "/models/compare?ids=model-0000000000000000,model-1111111111111111"],
    ] as const) {
      const res = await call(stack.api.url, method, url, method === "POST" ? { rows: [{}] } : undefined);
      expect([url, res.status, res.body.error?.code]).toEqual([url, 404, "MODEL_NOT_FOUND"]);
    }
  });

  it("deletes a model: the row, the artifact, and predict answers 404 after", async () => {
    const res = await call(stack.api.url, "DELETE", `/models/${churnLr.model_id}`);
    expect(res.status).toBe(200);
    expect((await call(stack.api.url, "GET", `/models/${churnLr.model_id}`)).status).toBe(404);
    expect((await call(stack.api.url, "POST", `/model/${churnLr.model_id}/predict`, { rows: [{}] })).status).toBe(404);
  });
});
