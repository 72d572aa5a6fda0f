import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { connect, fsDatasetStore, getDataset, migrateDatabase, postgresDatasetStore, type Database, type DatasetRow, type DatasetStore } from "@mlw/db";
import { cachedDatasetFile } from "../src/services/dataset-cache";

// The worker's dataset cache against the real Postgres store: concurrent fetches of one dataset
// (in this process and in two others at once), sha256 verification, and LRU eviction by bytes.
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `t_${randomBytes(5).toString("hex")}`;
let database: Database;
let store: DatasetStore;
let dir: string;

/** Uploads `text` through the store, as POST /datasets does, and answers its row. */
async function stored(text: string, into: DatasetStore = store): Promise<DatasetRow> {
  const bytes = Buffer.from(text);
  const id = `dataset-${randomBytes(8).toString("hex")}`;
  const upload = await into.begin(id);
  for (let at = 0; at < bytes.length; at += 300_000) await upload.write(bytes.subarray(at, at + 300_000));
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  await upload.commit({ id, sha256, bytes: bytes.length, rows: 1, columns: [], createdBy: "test" });
  return (await getDataset(database.db, id))!;
}

const csv = (rows: number, seed: string): string => "a,b\n" + Array.from({ length: rows }, (_, i) => `${i},${seed}`).join("\n") + "\n";

beforeAll(async () => {
  database = connect(DATABASE_URL, { schema, max: 4 });
  await migrateDatabase(database);
  store = postgresDatasetStore(database);
});
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "mlw-cache-test-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
afterAll(async () => {
  await database.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await database.close();
});

it("gives every concurrent fetch of one dataset the same whole file, across processes, leaving no temporary file", async () => {
  const row = await stored(csv(400_000, "x")); // ~3.5 MB: several chunk rows
  const options = { dir, maxBytes: 1e9 };
  const script = `require("./dist/services/dataset-cache").cachedDatasetFile(require("@mlw/db").postgresDatasetStore(require("@mlw/db").connect(process.env.URL, { schema: process.env.SCHEMA })), JSON.parse(process.env.ROW), JSON.parse(process.env.OPTIONS)).then((f) => { console.log(f); process.exit(0); })`;
  const other = () =>
    promisify(execFile)(process.execPath, ["-e", script], { cwd: path.resolve(__dirname, ".."), env: { ...process.env, URL: DATABASE_URL, SCHEMA: schema, ROW: JSON.stringify(row), OPTIONS: JSON.stringify(options) } });
  const [inProcess, children] = await Promise.all([Promise.all(Array.from({ length: 4 }, () => cachedDatasetFile(store, row, options))), Promise.all([other(), other()])]);
  const expected = path.join(dir, `${row.sha256}.csv`);
  expect([...inProcess, ...children.map((c) => c.stdout.trim())]).toEqual(Array(6).fill(expected));
  expect(createHash("sha256").update(readFileSync(expected)).digest("hex")).toBe(row.sha256);
  expect(readdirSync(dir)).toEqual([`${row.sha256}.csv`]);
});

it("refuses bytes that do not hash to the dataset's sha256, keeping nothing", async () => {
  const row = await stored(csv(1000, "y"));
  const forged = { ...row, sha256: "0".repeat(64) };
  await expect(cachedDatasetFile(store, forged, { dir, maxBytes: 1e9 })).rejects.toMatchObject({ code: "DATASET_CORRUPT" });
  expect(readdirSync(dir)).toEqual([]);
});

it("keeps at most maxBytes, evicting the least recently used first", async () => {
  const [a, b, c] = await Promise.all([stored(csv(1000, "a")), stored(csv(1000, "b")), stored(csv(1000, "c"))]);
  const options = { dir, maxBytes: a.bytes + b.bytes };
  const fileA = await cachedDatasetFile(store, a, options);
  await cachedDatasetFile(store, b, options);
  utimesSync(fileA, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000)); // a is the older
  const fileB = await cachedDatasetFile(store, b, options); // a hit: b is used again
  await cachedDatasetFile(store, c, options);
  expect(readdirSync(dir).sort()).toEqual([`${b.sha256}.csv`, `${c.sha256}.csv`].sort());
  // A file's time has the kernel's coarse resolution (a few ms): b's use is set apart from c's.
  utimesSync(fileB, new Date(Date.now() - 30_000), new Date(Date.now() - 30_000));
  await cachedDatasetFile(store, a, options); // fetched again: now b is the least recently used
  expect(readdirSync(dir).sort()).toEqual([`${a.sha256}.csv`, `${c.sha256}.csv`].sort());
});

it("fetches from the fs store as from Postgres", async () => {
  const shared = mkdtempSync(path.join(tmpdir(), "mlw-fs-store-test-"));
  try {
    const fsStore = fsDatasetStore(shared, database.db);
    const row = await stored(csv(50_000, "fs"), fsStore);
    expect(row.location).toMatch(new RegExp(`^file://.*/${row.sha256}\\.csv$`));
    const file = await cachedDatasetFile(fsStore, row, { dir, maxBytes: 1e9 });
    expect(readFileSync(file).toString()).toBe(csv(50_000, "fs"));
  } finally {
    rmSync(shared, { recursive: true, force: true });
  }
});
