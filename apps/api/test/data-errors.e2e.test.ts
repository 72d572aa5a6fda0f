import { mkdtempSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { call, DATA_DIR, useStack } from "./support/stack";

const dir = mkdtempSync(path.join(os.tmpdir(), "mlw-data-"));
const stack = useStack({ env: { DATA_DIR: dir, MAX_DATASET_BYTES: "100000" } });

beforeAll(() => {
  copyFileSync(path.join(DATA_DIR, "iris.csv"), path.join(dir, "iris.csv"));
  writeFileSync(path.join(dir, "ragged.csv"), "a,b,y\n1,2,x\n3,4\n5,6,z\n");
  writeFileSync(path.join(dir, "header-only.csv"), "a,b,y\n");
  writeFileSync(path.join(dir, "one-class.csv"), "a,b,y\n1,2,x\n3,4,x\n5,6,x\n7,8,x\n");
  writeFileSync(path.join(dir, "no-target.csv"), "a,b,y\n1,2,\n3,4,\n5,6,\n");
  writeFileSync(path.join(dir, "dupes.csv"), "a,a,y\n1,2,x\n3,4,z\n");
  writeFileSync(path.join(dir, "blank-name.csv"), "a, ,y\n1,2,x\n3,4,z\n");
  writeFileSync(path.join(dir, "png.csv"), Buffer.from("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10", "latin1"));
  writeFileSync(path.join(dir, "latin1.csv"), Buffer.from("caf\xe9,y\n1,x\n2,z\n", "latin1"));
  writeFileSync(path.join(dir, "open-quote.csv"), 'a,"b,y\n1,2,x\n');
  // the API reads the header's first 64 KiB; what lies beyond is the worker's to refuse
  const rows = "1,2,x\n3,4,z\n".repeat(6_000);
  writeFileSync(path.join(dir, "late-nul.csv"), "a,b,y\n" + rows + "5,\0,x\n");
  writeFileSync(path.join(dir, "late-latin1.csv"), Buffer.from("a,b,y\n" + rows + "5,caf\xe9,x\n", "latin1"));
  writeFileSync(path.join(dir, "quoted.csv"), '\ufeffname,"note, with comma",y\r\n"Smith, J","said ""hi""\nthen left",1.5\r\nDoe,plain,2.5\r\nRoe,"x",3.5\r\nPoe,"y",4.5\r\nMoe,"z",5.5\r\n');
  symlinkSync("/etc/passwd", path.join(dir, "escape.csv"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const train = (dataset_path: string, algorithm = "RandomForestClassifier") =>
  call(stack.api.url, "POST", "/train?wait=60", { dataset_path, target_column: "y", algorithm, test_size: 0.34, hyperparams: { n_estimators: 5 } });

it.each([
  ["ragged.csv", "RAGGED_ROW", /line 3/i],
  ["header-only.csv", "NO_DATA_ROWS", /no data rows/i],
  ["one-class.csv", "SINGLE_CLASS", /class/i],
  ["no-target.csv", "TARGET_ALL_MISSING", /missing/i],
  ["late-nul.csv", "INVALID_CSV", /NUL byte at byte offset 72008/],
  ["late-latin1.csv", "INVALID_CSV", /not UTF-8/],
])("%s fails its job with %s, answered as 422 and recorded on the job", async (file, code, message) => {
  const res = await train(file);
  expect(res.status).toBe(422);
  expect(res.body).toMatchObject({ success: false, code });
  expect(res.body.message).toMatch(message);
  const job = await call(stack.api.url, "GET", `/jobs/${res.body.job_id}`);
  expect(job.body).toMatchObject({ state: "failed", attempts: 1, error: { code } });
});

it.each([
  ["png.csv", "INVALID_CSV", /NUL byte/],
  ["latin1.csv", "INVALID_CSV", /not UTF-8/],
  ["open-quote.csv", "INVALID_CSV", /malformed/],
  ["dupes.csv", "DUPLICATE_HEADER", /`a`/],
  ["blank-name.csv", "EMPTY_HEADER", /Column 2/],
])("%s is refused at the door with 422 %s, before a job is enqueued", async (file, code, message) => {
  const res = await train(file);
  expect(res.status).toBe(422);
  expect(res.body.error).toMatchObject({ code, message: expect.stringMatching(message) });
  expect(res.body.job_id).toBeUndefined();
});

it("refuses a file over MAX_DATASET_BYTES", async () => {
  writeFileSync(path.join(dir, "big.csv"), "a,y\n" + "1,x\n2,z\n".repeat(20_000));
  const res = await train("big.csv");
  expect(res.status).toBe(422);
  expect(res.body.code).toBe("FILE_TOO_LARGE");
});

it("refuses a symlink that leads outside DATA_DIR", async () => {
  const res = await call(stack.api.url, "POST", "/train", { dataset_path: "escape.csv", target_column: "root", algorithm: "RandomForestClassifier" });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe("INVALID_DATASET_PATH");
});

it("reads RFC 4180 quoting, a BOM and CRLF line ends", async () => {
  const res = await call(stack.api.url, "POST", "/train?wait=60", { dataset_path: "quoted.csv", target_column: "y", algorithm: "LinearRegression", test_size: 0.2 });
  expect(res.status).toBe(200);
  const model = await call(stack.api.url, "GET", `/models/${res.body.model_id}`);
  expect(model.body.features).toEqual(["name", "note, with comma"]);
});

it("accepts an absolute dataset_path inside DATA_DIR", async () => {
  const res = await call(stack.api.url, "POST", "/train?wait=60", { dataset_path: path.join(dir, "iris.csv"), target_column: "species", algorithm: "LogisticRegression" });
  expect(res.status).toBe(200);
  expect(res.body.metrics.accuracy).toBeGreaterThan(0.9);
});
