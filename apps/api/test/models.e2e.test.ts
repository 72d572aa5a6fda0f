import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { call, DATA_DIR, useStack } from "./support/stack";

const stack = useStack();
let churnRf: { model_id: string; metrics: Record<string, number> };
let churnLr: { model_id: string; metrics: Record<string, number> };
let diabetes: { model_id: string; metrics: Record<string, number> };

const churn = { dataset_path: "churn.csv", target_column: "Churn" };

beforeAll(async () => {
  const train = async (body: object) => {
    const res = await call(stack.api.url, "POST", "/train?wait=120", body);
    if (res.status !== 200) throw new Error(`training failed: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  churnRf = await train({ ...churn, algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 40 } });
  churnLr = await train({ ...churn, algorithm: "LogisticRegression" });
  diabetes = await train({ dataset_path: "diabetes.csv", target_column: "progression", algorithm: "LinearRegression" });
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
    expect(res.body.residuals).toEqual(expect.objectContaining({ mean: expect.any(Number), median: expect.any(Number), std: expect.any(Number) }));
    expect(Object.keys(res.body.feature_importance)).toHaveLength(10);
    expect(["model", "permutation"]).toContain(res.body.feature_importance_method);
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
    const rows = raw.map(({ Churn: _c, ...r }) => r);
    const a = await call(stack.api.url, "POST", `/model/${churnLr.model_id}/predict`, { rows });
    const b = await call(stack.api.url, "POST", `/model/${churnLr.model_id}/predict`, { rows });
    expect(a.body).toEqual(b.body);
  });

  it("refuses a wrong type with a 422 naming the row and column", async () => {
    const rows = raw.slice(0, 2).map(({ Churn: _c, ...r }) => ({ ...r }));
    (rows[1] as Record<string, unknown>).monthly_charges = "a lot";
    const res = await call(stack.api.url, "POST", `/model/${churnRf.model_id}/predict`, { rows });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/monthly_charges/);
    expect(res.body.error.message).toMatch(/1/);
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
