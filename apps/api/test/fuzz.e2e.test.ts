import http from "node:http";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { ADMIN_KEY, call, DATA_DIR, useStack } from "./support/stack";

// Datasets of this file's own: two real ones and one whose header is binary.
const dataDir = mkdtempSync(path.join(os.tmpdir(), "mlw-fuzz-"));
for (const f of ["iris.csv", "diabetes.csv"]) copyFileSync(path.join(DATA_DIR, f), path.join(dataDir, f));
writeFileSync(path.join(dataDir, "binary.csv"), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xfe]), Buffer.from("\n1,2\n")]));

const stack = useStack({ workers: 0, env: { DATA_DIR: dataDir, RATE_LIMIT_PER_MIN: "1000000", MAX_ACTIVE_JOBS_PER_KEY: "100000" } });

/** A request sent as written: the path is not normalised, the body is sent as the bytes given. */
function send(method: string, rawPath: string, body?: string | Buffer, contentType = "application/json"): Promise<{ status: number; type: string; text: string }> {
  const { hostname, port } = new URL(stack.api.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: hostname, port, path: rawPath, method, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body !== undefined ? { "content-type": contentType } : {}) }, timeout: 10_000 },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        // An event stream of a real job would stay open: its status is all that counts.
        if (String(res.headers["content-type"]).startsWith("text/event-stream")) return resolve({ status: res.statusCode!, type: "event-stream", text: (req.destroy(), "") });
        res.on("data", (d: string) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode!, type: String(res.headers["content-type"]), text }));
      },
    );
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error(`${method} ${rawPath} timed out`)));
    req.end(body);
  });
}

/** What every answer must be: below 500, and a JSON error envelope (or the original `?wait` failure body) when it is an error. */
function expectSane(res: { status: number; type: string; text: string }, what: string): void {
  if (res.status >= 500) throw new Error(`${what} → ${res.status}: ${res.text.slice(0, 300)}`);
  if (res.status < 400 || res.type === "event-stream") return;
  const body = JSON.parse(res.text);
  const envelope = typeof body?.error?.code === "string" && typeof body.error.message === "string";
  const waitFailure = body?.success === false && typeof body.code === "string" && typeof body.message === "string";
  if (!envelope && !waitFailure) throw new Error(`${what} → ${res.status} without an error envelope: ${res.text.slice(0, 300)}`);
}

/** Path ids: tricky literals, arbitrary text percent-encoded, and raw bytes percent-encoded (invalid UTF-8 too). */
const pathId = fc.oneof(
  fc.constantFrom("model-0000000000000000", "study-0000000000000000", "train-0b0e0a1c-2d3e-4f50-8a6b-7c8d9e0f1a2b", "key-0000000000000000", "..", "%2e%2e", "%00", "%E0%A4%A", "%ZZ", "%", "a%2Fb", "x".repeat(5000)),
  fc.string({ unit: "grapheme", maxLength: 40 }).filter((s) => s.length > 0).map((s) => encodeURIComponent(s)),
  fc.uint8Array({ minLength: 1, maxLength: 24 }).map((bytes) => Array.from(bytes, (b) => `%${b.toString(16).padStart(2, "0")}`).join("")),
);

/** Query strings: `wait` and the list filters with odd values (never a long wait: no worker runs here). */
const query = fc.oneof(
  fc.constant(""),
  fc.constantFrom("?wait=0", "?wait=-1", "?wait=abc", "?wait=301", "?wait=1e999", "?wait=%00", "?limit=0", "?limit=abc", "?limit=201", "?cursor=%FF%FE", "?cursor=bm9wZQ", "?task=nope", "?ids=a", "?ids=%00,%00", "?algorithm=%00"),
  fc.string({ maxLength: 30 }).map((s) => `?${encodeURIComponent(s)}=${encodeURIComponent(s)}`),
);

const known = ["dataset_path", "dataset_id", "target_column", "algorithm", "random_state", "test_size", "hyperparams", "n_trials", "metric", "cv_folds", "search_space", "rows", "name", "role", "timeout", "sampler", "pruner", "initial_trials", "train_best", "n_parallel", "state", "dataset"];
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const plausible = {
  dataset_path: fc.constantFrom("iris.csv", "diabetes.csv", "binary.csv", "../etc/passwd", "/etc/passwd", "nope.csv", "iris.csv\u0000"),
  dataset_id: fc.constantFrom("dataset-0000000000000000", "nope", "", "dataset-\u0000", "../dataset"),
  target_column: fc.constantFrom("species", "target", "sepal_length", "\u0000", ""),
  algorithm: fc.constantFrom("RandomForestClassifier", "MLPClassifier", "LogisticRegression", "SVC", "LinearRegression", "Nope"),
};

/** Bodies: any JSON, objects of the routes' own fields with plausible or random values, and text that is not JSON. */
const body = fc.oneof(
  jsonValue.map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        ...plausible,
        ...Object.fromEntries(known.filter((k) => !(k in plausible)).map((k) => [k, jsonValue])),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc.record({ ...plausible, n_trials: fc.integer({ min: -2, max: 3 }), hyperparams: fc.dictionary(fc.string({ maxLength: 20 }), jsonValue) }, { requiredKeys: ["dataset_path", "target_column", "algorithm"] }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 60 }),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString("latin1")),
);

let operations: { method: string; path: string }[] = [];

beforeAll(async () => {
  const doc = (await call(stack.api.url, "GET", "/openapi.json")).body;
  operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, item]) => Object.keys(item).map((method) => ({ method: method.toUpperCase(), path: p })));
});

afterAll(() => undefined);

it("never answers 5xx, and answers every error with a JSON envelope (2,000 generated requests over every route)", async () => {
  expect(operations.length).toBeGreaterThanOrEqual(15);
  await fc.assert(
    fc.asyncProperty(fc.nat(), pathId, query, body, async (pick, id, q, b) => {
      const op = operations[pick % operations.length]!;
      const rawPath = op.path.replace("{id}", id) + q;
      const withBody = op.method === "POST" || op.method === "PUT" || op.method === "PATCH";
      expectSane(await send(op.method, rawPath, withBody ? b : undefined), `${op.method} ${rawPath} ${withBody ? b.slice(0, 200) : ""}`);
    }),
    { seed: 20261202, numRuns: 2000 },
  );
}, 600_000);

describe("named cases", () => {
  it("answers any bytes uploaded as a CSV with 201/200 or a 4xx envelope (300 generated uploads)", async () => {
    const csvish = fc.oneof(
      fc.array(fc.array(fc.constantFrom("1", "2.5", "", "NA", "x", '"a,b"', '"', "\r", "é", "\u0000", "yes"), { minLength: 1, maxLength: 4 }).map((r) => r.join(",")), { maxLength: 6 }).map((rows) => Buffer.from(rows.join("\n"))),
      fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b)),
    );
    await fc.assert(
      fc.asyncProperty(csvish, async (bytes) => expectSane(await send("POST", "/datasets", bytes, "text/csv"), `POST /datasets ${JSON.stringify(bytes.toString("latin1"))}`)),
      { seed: 20261203, numRuns: 300 },
    );
  }, 120_000);

  it("refuses the MLP bomb before any job exists", async () => {
    const res = await call(stack.api.url, "POST", "/train", { dataset_path: "iris.csv", target_column: "species", algorithm: "MLPClassifier", hyperparams: { hidden_layer_sizes: [100000, 100000] } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVALID_HYPERPARAMETER");
    expect(res.body.error.message).toMatch(/MAX_MODEL_PARAMS/);
  });

  it("answers a CSV whose header is binary with 422 INVALID_CSV", async () => {
    const res = await call(stack.api.url, "POST", "/train", { dataset_path: "binary.csv", target_column: "species", algorithm: "RandomForestClassifier" });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("INVALID_CSV");
  });

  it("answers NUL bytes in a path id with a 4xx", async () => {
    for (const p of ["/studies/%00", "/models/%00", "/jobs/%00", "/model/%00/evaluate"]) expectSane(await send("GET", p), p);
    expect((await send("GET", "/studies/%00")).status).toBe(400);
  });
});
