import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { Pool } from "pg";
import { ADMIN_KEY, call, DATA_DIR, DATABASE_URL, isolate, startApi, startWorker, type Isolation, type Proc } from "./support/stack";

// Uploaded datasets end to end: upload (raw and multipart), dedup, the size limit, bad CSV, an
// aborted upload, training by dataset_id on a worker that has no DATA_DIR, lineage and delete.
const MAX_BYTES = 2_000_000;
const iris = readFileSync(path.join(DATA_DIR, "iris.csv"));
const irisSha = createHash("sha256").update(iris).digest("hex");
const cacheDir = mkdtempSync(path.join(tmpdir(), "mlw-dataset-cache-"));

let iso: Isolation;
let api: Proc & { url: string };
let worker: Proc;
let pool: Pool;

beforeAll(async () => {
  iso = isolate({ MAX_DATASET_BYTES: String(MAX_BYTES) });
  api = await startApi(iso.env);
  // No DATA_DIR at all: the worker falls back to ./data, which does not exist where it runs.
  worker = await startWorker({ ...iso.env, DATA_DIR: "", DATASET_CACHE_DIR: cacheDir });
  pool = new Pool({ connectionString: DATABASE_URL, max: 2, options: `-c search_path=${iso.schema}` });
}, 60_000);

afterAll(async () => {
  await Promise.all([api?.stop(), worker?.stop()]);
  await pool?.end();
  await iso?.cleanup();
  rmSync(cacheDir, { recursive: true, force: true });
});

/** Rows of the dataset tables, as another session sees them. */
async function storedRows(): Promise<{ datasets: number; chunks: number }> {
  const { rows } = await pool.query("SELECT (SELECT count(*)::int FROM datasets) AS datasets, (SELECT count(*)::int FROM dataset_chunks) AS chunks");
  return rows[0];
}

const csvUpload = (body: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(`${api.url}/datasets`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "text/csv", ...headers }, body }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

/** Sends `total` declared bytes of CSV but only `sent` of them, then cuts the connection; resolves once the socket is gone. */
function abortedUpload(headers: Record<string, string>, head: Buffer, sent: number, total: number): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request(`${api.url}/datasets`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-length": String(total), ...headers } });
    req.on("error", () => resolve());
    req.on("close", () => resolve());
    req.write(head);
    const row = Buffer.from("5.1,3.5,1.4,0.2,setosa\n");
    let written = head.length;
    const pump = (): void => {
      while (written + row.length < sent) {
        written += row.length;
        if (!req.write(row)) return void req.once("drain", pump);
      }
      setTimeout(() => req.destroy(), 300); // let the server store a few chunks first
    };
    pump();
  });
}

/** Backends holding a transaction open after writing dataset chunks: an upload in flight. */
async function uploadsInFlight(): Promise<number> {
  const { rows } = await pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND query LIKE 'INSERT INTO dataset_chunks%'");
  return rows[0].n;
}

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return true;
  return check();
}

let datasetId: string;

it("stores a raw text/csv upload (201) with its sha256, size, rows and column profile", async () => {
  const res = await csvUpload(iris);
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ sha256: irisSha, bytes: iris.length, rows: 150, filename: null });
  expect(res.body.dataset_id).toMatch(/^dataset-[0-9a-f]{16}$/);
  expect(res.body.columns).toEqual([
    { name: "sepal_length_cm", type: "numeric", missing: 0 },
    { name: "sepal_width_cm", type: "numeric", missing: 0 },
    { name: "petal_length_cm", type: "numeric", missing: 0 },
    { name: "petal_width_cm", type: "numeric", missing: 0 },
    { name: "species", type: "categorical", missing: 0 },
  ]);
  datasetId = res.body.dataset_id;
  expect((await call(api.url, "GET", `/datasets/${datasetId}`)).body).toEqual(res.body);
});

it("answers the same bytes again, as multipart, with 200 and the same dataset_id, storing them once", async () => {
  const form = new FormData();
  form.append("note", "a field before the file is ignored");
  form.append("file", new Blob([iris], { type: "text/csv" }), "iris.csv");
  const res = await fetch(`${api.url}/datasets`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_KEY}` }, body: form });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ dataset_id: datasetId, sha256: irisSha });
  expect(await storedRows()).toEqual({ datasets: 1, chunks: 1 });

  const listed = await call(api.url, "GET", "/datasets?limit=1");
  expect(listed.body.datasets.map((d: { dataset_id: string }) => d.dataset_id)).toEqual([datasetId]);
  expect(listed.body.next_cursor).toBeNull();
});

it("gives two concurrent uploads of the same new bytes one dataset: one 201, one 200", async () => {
  const bytes = Buffer.from("a,b\n" + Array.from({ length: 150_000 }, (_, i) => `${i},${i % 7}`).join("\n") + "\n"); // ~1.5 MB: two chunk rows each
  const answers = await Promise.all([csvUpload(bytes), csvUpload(bytes)]);
  expect(answers.map((a) => a.status).sort()).toEqual([200, 201]);
  expect(answers[0]!.body.dataset_id).toBe(answers[1]!.body.dataset_id);
  expect(await storedRows()).toEqual({ datasets: 2, chunks: 3 });
  expect((await call(api.url, "DELETE", `/datasets/${answers[0]!.body.dataset_id}`)).status).toBe(200);
  expect(await storedRows()).toEqual({ datasets: 1, chunks: 1 });
});

it("trains by dataset_id on a worker with no DATA_DIR, recording the dataset and its sha256 in the model's lineage", async () => {
  const started = worker.logs.find((l) => l.msg === "worker starting")!;
  expect(existsSync(started.config.DATA_DIR)).toBe(false);

  const res = await call(api.url, "POST", "/train?wait=120", { dataset_id: datasetId, target_column: "species", algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 20 } });
  expect([res.status, res.body.success]).toEqual([200, true]);
  expect(res.body.metrics.accuracy).toBeGreaterThan(0.9);
  const model = (await call(api.url, "GET", `/models/${res.body.model_id}`)).body;
  expect(model).toMatchObject({ dataset_id: datasetId, dataset_path: null, dataset_sha256: irisSha });
  expect(readdirSync(cacheDir)).toEqual([`${irisSha}.csv`]);

  // Evaluate rebuilds the held-out rows from the same uploaded dataset.
  const evaluation = await call(api.url, "GET", `/model/${res.body.model_id}/evaluate?wait=60`);
  expect(evaluation.status).toBe(200);
  expect(evaluation.body.metrics.accuracy).toBe(res.body.metrics.accuracy);

  // Registered, the version keeps the same lineage.
  await call(api.url, "POST", "/registered-models", { name: "iris-up" });
  const registered = await call(api.url, "POST", "/registered-models/iris-up/versions", { model_id: res.body.model_id });
  expect(registered.body.lineage).toMatchObject({ dataset_id: datasetId, dataset_sha256: irisSha });

  const listed = await call(api.url, "GET", `/models?dataset_id=${datasetId}`);
  expect(listed.body.models.map((m: { model_id: string }) => m.model_id)).toEqual([res.body.model_id]);

  // Refused while the model refers to it.
  const refused = await call(api.url, "DELETE", `/datasets/${datasetId}`);
  expect(refused.status).toBe(409);
  expect(refused.body.error).toMatchObject({ code: "DATASET_IN_USE", details: { models: [res.body.model_id], studies: [] } });
}, 180_000);

it("runs a study on a dataset_id (trials and final model read it by id), which then holds the dataset too", async () => {
  const res = await call(api.url, "POST", "/optimize?wait=150", {
    dataset_id: datasetId,
    target_column: "species",
    algorithm: "RandomForestClassifier",
    n_trials: 3,
    cv_folds: 2,
    train_best: true,
    search_space: { n_estimators: { type: "int", low: 5, high: 10 } },
  });
  expect([res.status, res.body.success]).toEqual([200, true]);
  const study = (await call(api.url, "GET", `/studies/${res.body.study_id}`)).body;
  expect(study).toMatchObject({ dataset_id: datasetId, dataset_path: null, state: "complete" });
  expect(study.trials.map((t: { state: string }) => t.state)).toEqual(["complete", "complete", "complete"]);
  expect((await call(api.url, "GET", `/models/${res.body.model_id}`)).body).toMatchObject({ dataset_id: datasetId, dataset_sha256: irisSha });
  const refused = await call(api.url, "DELETE", `/datasets/${datasetId}`);
  expect(refused.body.error.details.studies).toEqual([res.body.study_id]);
}, 180_000);

it("takes exactly one of dataset_path and dataset_id, and checks the dataset before enqueueing", async () => {
  const base = { target_column: "species", algorithm: "RandomForestClassifier" };
  for (const body of [{ ...base }, { ...base, dataset_id: datasetId, dataset_path: "iris.csv" }]) {
    const res = await call(api.url, "POST", "/train", body);
    expect([res.status, res.body.error.code]).toEqual([400, "INVALID_DATASET_SOURCE"]);
    const opt = await call(api.url, "POST", "/optimize", { ...body, n_trials: 2 });
    expect([opt.status, opt.body.error.code]).toEqual([400, "INVALID_DATASET_SOURCE"]);
  }
  const unknown = await call(api.url, "POST", "/train", { ...base, dataset_id: "dataset-0000000000000000" });
  expect([unknown.status, unknown.body.error.code]).toEqual([404, "DATASET_NOT_FOUND"]);
  const target = await call(api.url, "POST", "/train", { ...base, dataset_id: datasetId, target_column: "colour" });
  expect([target.status, target.body.error.code]).toEqual([422, "TARGET_NOT_FOUND"]);
});

it("refuses an upload past MAX_DATASET_BYTES with 413, declared or streamed, storing nothing", async () => {
  const big = Buffer.concat([Buffer.from("a,b\n"), Buffer.alloc(MAX_BYTES, "1,2\n")]);
  const declared = await csvUpload(big);
  expect([declared.status, declared.body.error.code]).toEqual([413, "DATASET_TOO_LARGE"]);
  // Chunked: no length up front, so the limit is found while streaming.
  const streamed = await fetch(`${api.url}/datasets`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "text/csv" },
    body: new Blob([big]).stream(),
    duplex: "half",
  } as RequestInit);
  expect(streamed.status).toBe(413);
  expect(((await streamed.json()) as any).error.code).toBe("DATASET_TOO_LARGE");
  expect(await storedRows()).toEqual({ datasets: 1, chunks: 1 });
});

it("refuses a bad CSV with 400 INVALID_CSV naming the fault, storing nothing", async () => {
  const ragged = await csvUpload("a,b\n1,2\n3\n");
  expect(ragged.status).toBe(400);
  expect(ragged.body.error).toMatchObject({ code: "INVALID_CSV", details: { reason: "RAGGED_ROW", line: 3 } });
  const latin1 = await csvUpload(Buffer.from("name,city\nJos\xe9,Paris\n", "latin1"));
  expect([latin1.status, latin1.body.error.code, latin1.body.error.details.reason]).toEqual([400, "INVALID_CSV", "INVALID_CSV"]);
  const json = await call(api.url, "POST", "/datasets", { rows: [] });
  expect([json.status, json.body.error.code]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
  const noFile = new FormData();
  noFile.append("other", "x");
  const missing = await fetch(`${api.url}/datasets`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_KEY}` }, body: noFile });
  expect([missing.status, ((await missing.json()) as any).error.code]).toEqual([400, "MISSING_FILE"]);
  expect(await storedRows()).toEqual({ datasets: 1, chunks: 1 });
});

it("leaves no rows behind when the client cuts the connection mid-body (raw and multipart)", async () => {
  const head = Buffer.from("sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species\n");
  const boundary = "----mlw-test-boundary";
  const parts = {
    raw: { headers: { "content-type": "text/csv" }, head },
    multipart: {
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      head: Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.csv"\r\nContent-Type: text/csv\r\n\r\n`), head]),
    },
  };
  for (const { headers, head: first } of Object.values(parts)) {
    const cut = abortedUpload(headers, first, 1_500_000, 1_900_000);
    // The upload really is under way, with chunks written in its transaction...
    expect(await until(async () => (await uploadsInFlight()) > 0)).toBe(true);
    await cut;
    // ...and once the client is gone, the transaction is rolled back.
    expect(await until(async () => (await uploadsInFlight()) === 0)).toBe(true);
    expect(await storedRows()).toEqual({ datasets: 1, chunks: 1 });
  }
  const logged = api.logs.filter((l) => l.msg === "request failed");
  expect(logged).toEqual([]); // an aborted upload is the client's doing, not a 500
}, 30_000);

it("deletes an unused dataset and its chunks", async () => {
  const other = await csvUpload("x,y\n1,2\n3,4\n");
  expect(other.status).toBe(201);
  expect(await storedRows()).toEqual({ datasets: 2, chunks: 2 });
  const first = await call(api.url, "GET", "/datasets?limit=1");
  expect(first.body.datasets.map((d: { dataset_id: string }) => d.dataset_id)).toEqual([other.body.dataset_id]); // newest first
  const second = await call(api.url, "GET", `/datasets?limit=1&cursor=${first.body.next_cursor}`);
  expect([second.body.datasets.map((d: { dataset_id: string }) => d.dataset_id), second.body.next_cursor]).toEqual([[datasetId], null]);
  expect((await call(api.url, "GET", "/datasets?cursor=bm9wZQ")).body.error.code).toBe("INVALID_CURSOR");
  expect((await call(api.url, "DELETE", `/datasets/${other.body.dataset_id}`)).body).toEqual({ deleted: true, dataset_id: other.body.dataset_id });
  expect(await storedRows()).toEqual({ datasets: 1, chunks: 1 });
  expect((await call(api.url, "GET", `/datasets/${other.body.dataset_id}`)).status).toBe(404);
  expect((await call(api.url, "DELETE", "/datasets/dataset-0000000000000000")).status).toBe(404);
});

describe("the fs store", () => {
  let fsIso: Isolation;
  let fsApi: Proc & { url: string };
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "mlw-datasets-"));
    fsIso = isolate({ ARTIFACT_STORE: "fs", DATASETS_DIR: dir, MODELS_DIR: path.join(dir, "models"), MAX_DATASET_BYTES: String(MAX_BYTES) });
    fsApi = await startApi(fsIso.env);
  }, 60_000);
  afterAll(async () => {
    await fsApi?.stop();
    await fsIso?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps one file named by the sha256, leaves no temporary file after an abort, and deletes it with the dataset", async () => {
    const upload = (body: Buffer) => fetch(`${fsApi.url}/datasets`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "text/csv" }, body });
    const first = await upload(iris);
    expect(first.status).toBe(201);
    const { dataset_id } = (await first.json()) as { dataset_id: string };
    expect((await upload(iris)).status).toBe(200);
    expect(readdirSync(dir).filter((f) => f.endsWith(".csv"))).toEqual([`${irisSha}.csv`]);

    const cut = new Promise<void>((resolve) => {
      const req = http.request(`${fsApi.url}/datasets`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "text/csv", "content-length": "1000000" } });
      req.on("error", () => resolve());
      req.on("close", () => resolve());
      req.write(Buffer.concat([Buffer.from("a,b\n"), Buffer.alloc(400_000, "1,2\n")]));
      setTimeout(() => req.destroy(), 300);
    });
    await cut;
    expect(await until(async () => readdirSync(dir).every((f) => !f.endsWith(".tmp")))).toBe(true);
    expect(readdirSync(dir).filter((f) => f !== "models")).toEqual([`${irisSha}.csv`]);

    expect((await call(fsApi.url, "DELETE", `/datasets/${dataset_id}`)).status).toBe(200);
    expect(readdirSync(dir).filter((f) => f !== "models")).toEqual([]);
  }, 30_000);
});
