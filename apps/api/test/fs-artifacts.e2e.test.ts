import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Pool } from "pg";
import { call, DATABASE_URL, useStack } from "./support/stack";

const tmp = mkdtempSync(path.join(os.tmpdir(), "mlw-fs-store-"));
const MODELS_DIR = path.join(tmp, "models");
const stack = useStack({ env: { ARTIFACT_STORE: "fs", MODELS_DIR } });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const iris = { dataset_path: "iris.csv", target_column: "species", algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 10 } };
const rows = [
  { sepal_length_cm: 5.1, sepal_width_cm: 3.5, petal_length_cm: 1.4, petal_width_cm: 0.2 },
  { sepal_length_cm: 6.7, sepal_width_cm: 3.0, petal_length_cm: 5.2, petal_width_cm: 2.3 },
];

async function sql(text: string, params: unknown[] = []): Promise<any[]> {
  const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    return (await pool.query(text, params)).rows;
  } finally {
    await pool.end();
  }
}

async function train(): Promise<string> {
  const res = await call(stack.api.url, "POST", "/train?wait=60", iris);
  expect(res.status).toBe(200);
  return res.body.model_id;
}

it("ARTIFACT_STORE=fs: the model is a file in MODELS_DIR, which predict and evaluate load, and DELETE removes", async () => {
  const id = await train();
  const file = path.join(MODELS_DIR, `${id}.mlw`);
  const model = (await call(stack.api.url, "GET", `/models/${id}`)).body;
  expect(model.artifact_uri).toBe(`file://${file}`);
  expect(statSync(file).size).toBe(model.artifact_bytes);
  expect(await sql(`SELECT model_id FROM "${stack.iso.schema}".model_artifacts`)).toEqual([]); // not in Postgres

  const pred = await call(stack.api.url, "POST", `/model/${id}/predict`, { rows });
  expect(pred.status).toBe(200);
  expect(pred.body.predictions).toEqual(["setosa", "virginica"]);
  const evaluation = await call(stack.api.url, "GET", `/model/${id}/evaluate?wait=60`);
  expect(evaluation.status).toBe(200);
  expect(evaluation.body.metrics).toEqual(model.metrics);

  const del = await call(stack.api.url, "DELETE", `/models/${id}`);
  expect(del.status).toBe(200);
  expect(existsSync(file)).toBe(false);
  expect((await call(stack.api.url, "POST", `/model/${id}/predict`, { rows })).status).toBe(404);
});

it("a model row whose artifact_uri points outside MODELS_DIR is neither read nor deleted", async () => {
  const id = await train();
  const victim = path.join(tmp, "victim.mlw");
  // A copy of a real model, so that only the path guard stands between the API and loading it.
  writeFileSync(victim, readFileSync(path.join(MODELS_DIR, `${id}.mlw`)));
  for (const uri of [`file://${victim}`, `file://${MODELS_DIR}/../victim.mlw`]) {
    await sql(`UPDATE "${stack.iso.schema}".models SET artifact_uri = $1 WHERE id = $2`, [uri, id]);
    const pred = await call(stack.api.url, "POST", `/model/${id}/predict`, { rows });
    expect([uri, pred.status]).toEqual([uri, 500]);
    const del = await call(stack.api.url, "DELETE", `/models/${id}`);
    expect([uri, del.status]).toEqual([uri, 500]);
    expect(existsSync(victim)).toBe(true);
  }
});
