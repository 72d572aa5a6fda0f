import {
  connect, countModels, createTrial, deleteModel, finishTrial, getModel, insertModel, insertStudy, listModels, listTrials,
  migrateDatabase, models, postgresArtifactStore, queriesSent, startTrialAttempt,
} from "../src";
import { Pool } from "pg";
import { URL, useIsolatedDatabase } from "./isolated-database";

const iso = useIsolatedDatabase("t_db");

const model = (id: string, createdAt: Date, algorithm = "RandomForestClassifier") => ({
  id, algorithm, task: "classification" as const, hyperparams: {}, metrics: { accuracy: 0.9 }, datasetPath: "iris.csv", datasetSha256: "ab",
  target: "species", features: ["a"], labels: ["x", "y"], testSize: 0.2, randomState: 42, nTrain: 8, nTest: 2,
  artifactUri: `postgres:model_artifacts/${id}`, artifactBytes: 3, trainDurationMs: 5, createdAt,
});

it("applies migrations idempotently, from several processes at once", async () => {
  const others = [connect(URL, { schema: iso.schema }), connect(URL, { schema: iso.schema })];
  await Promise.all([migrateDatabase(iso.database), ...others.map(migrateDatabase)]);
  await Promise.all(others.map((d) => d.close()));
  expect(await countModels(iso.database.db)).toBe(0);
});

it("stores model artifacts with lz4 (faster to write than pglz) and dataset chunks uncompressed", async () => {
  const { rows } = await iso.database.pool.query(
    "SELECT c.relname, a.attcompression, a.attstorage FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND a.attname = 'data' ORDER BY c.relname",
    [iso.schema],
  );
  expect(rows).toEqual([
    { relname: "dataset_chunks", attcompression: "", attstorage: "e" },
    { relname: "model_artifacts", attcompression: "l", attstorage: "x" },
  ]);
});

it("counts every statement sent, a transaction's BEGIN and COMMIT too", async () => {
  const before = queriesSent();
  await countModels(iso.database.db);
  await iso.database.pool.query("SELECT 1");
  expect(queriesSent() - before).toBe(2);
  await iso.database.db.transaction(async (tx) => void (await tx.select().from(models).limit(1)));
  expect(queriesSent() - before).toBe(5);
});

it("stores a model with its artifact and deletes both", async () => {
  const store = postgresArtifactStore(iso.database.db);
  const uri = await store.put("model-00000000000000aa", Buffer.from([1, 2, 3]));
  await insertModel(iso.database.db, model("model-00000000000000aa", new Date()));
  expect(Array.from(await store.get(uri))).toEqual([1, 2, 3]);
  expect(await deleteModel(iso.database.db, "model-00000000000000aa")).toEqual({ state: "deleted" });
  expect(await getModel(iso.database.db, "model-00000000000000aa")).toBeUndefined();
  await expect(store.get(uri)).rejects.toThrow(/missing/);
  expect(await deleteModel(iso.database.db, "model-00000000000000aa")).toEqual({ state: "not_found" });
});

it("pages models newest first with a keyset cursor, ties broken by id", async () => {
  const t = new Date("2026-01-01T00:00:00Z");
  const ids = ["model-0000000000000001", "model-0000000000000002", "model-0000000000000003"];
  await insertModel(iso.database.db, model(ids[0]!, t));
  await insertModel(iso.database.db, model(ids[1]!, t, "SVC"));
  await insertModel(iso.database.db, model(ids[2]!, new Date(t.getTime() + 1000)));
  const page1 = await listModels(iso.database.db, { limit: 2 });
  expect(page1.map((m) => m.id)).toEqual([ids[2], ids[1]]);
  const last = page1[1]!;
  const page2 = await listModels(iso.database.db, { limit: 2, before: { createdAt: last.createdAt, id: last.id } });
  expect(page2.map((m) => m.id)).toEqual([ids[0]]);
  expect((await listModels(iso.database.db, { limit: 10, algorithm: "SVC" })).map((m) => m.id)).toEqual([ids[1]]);
});

it("survives the connection of a checked-out client being terminated, and queries on with a new one", async () => {
  const client = await iso.database.pool.connect();
  const { rows } = await client.query("SELECT pg_backend_pid() AS pid");
  const ended = new Promise((resolve) => client.once("end", resolve));
  const admin = new Pool({ connectionString: URL, max: 1 });
  await admin.query("SELECT pg_terminate_backend($1)", [rows[0].pid]).finally(() => admin.end());
  // The client's 'error' event comes before its 'end'; without a listener it would be thrown.
  await ended;
  client.release(new Error("terminated"));
  expect(await countModels(iso.database.db)).toEqual(expect.any(Number));
});

describe("trials", () => {
  const studyId = "study-00000000000000aa";
  beforeAll(async () => {
    await insertStudy(iso.database.db, {
      id: studyId, algorithm: "RandomForestClassifier", task: "classification", datasetPath: "iris.csv", target: "species", metric: "accuracy",
      direction: "maximize", searchSpace: {}, nTrials: 10, cvFolds: 3, randomState: 1, nParallel: 2,
    });
  });

  it("numbers trials without gaps or duplicates when created concurrently", async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => createTrial(iso.database.db, studyId, (existing) => ({ i, seen: existing.length }))));
    const trials = await listTrials(iso.database.db, studyId);
    expect(trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // each saw exactly the trials created before it
    expect(trials.map((t) => (t.params as { seen: number }).seen)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("creates no trial past the study's n_trials, however many coordinators ask at once", async () => {
    const created = await Promise.all(Array.from({ length: 5 }, () => createTrial(iso.database.db, studyId, () => ({}))));
    expect(created.filter(Boolean).map((t) => t!.number).sort()).toEqual([8, 9]);
    expect((await listTrials(iso.database.db, studyId)).map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("finishes a trial once: a retried attempt cannot count it twice", async () => {
    expect(await startTrialAttempt(iso.database.db, studyId, 0, "w1")).toMatchObject({ attempts: 1, workerId: "w1" });
    expect(await startTrialAttempt(iso.database.db, studyId, 0, "w2")).toMatchObject({ attempts: 2, workerId: "w2" });
    expect(await finishTrial(iso.database.db, studyId, 0, { state: "complete", value: 0.9, foldScores: [0.9] })).toBe(true);
    expect(await finishTrial(iso.database.db, studyId, 0, { state: "complete", value: 0.1, foldScores: [0.1] })).toBe(false);
    expect(await startTrialAttempt(iso.database.db, studyId, 0, "w3")).toBeUndefined();
    const [t0] = await listTrials(iso.database.db, studyId);
    expect(t0).toMatchObject({ state: "complete", value: 0.9, workerId: "w2", attempts: 2 });
  });
});
