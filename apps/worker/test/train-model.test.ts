import { randomBytes } from "node:crypto";
import path from "node:path";
import { Pool } from "pg";
import { connect, migrateDatabase, postgresArtifactStore, postgresDatasetStore, type Database } from "@mlw/db";
import { trainJob } from "@mlw/jobs";
import { createLogger } from "@mlw/runtime";
import type { Context } from "../src/context";
import { trainModel } from "../src/services/train-model";

// trainModel against the real Postgres: a job retried after its worker died having saved the
// model (before the job was marked completed) answers that model and saves no second one.
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
process.env.DATA_DIR = process.env.MLW_DATASETS ?? path.resolve(__dirname, "../../../../shared/datasets");
const schema = `t_${randomBytes(5).toString("hex")}`;
let database: Database;
let ctx: Context;

beforeAll(async () => {
  database = connect(DATABASE_URL, { schema, max: 2 });
  await migrateDatabase(database);
  ctx = { database, artifacts: postgresArtifactStore(database.db), datasets: postgresDatasetStore(database), log: createLogger("test", "silent") };
});
afterAll(async () => {
  await database.close();
  const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => pool.end());
});

it("a train job run again after saving its model answers that model instead of saving a second", async () => {
  const payload = trainJob.payload.parse({ dataset_path: "iris.csv", target_column: "species", algorithm: "LogisticRegression" });
  const first = await trainModel(ctx, payload, () => undefined, "train-retried");
  const again = await trainModel(ctx, payload, () => undefined, "train-retried");
  // the same answer, from the saved model (how long the first run's stages took is not kept)
  const { timings_ms: _timings, ...saved } = first;
  expect(again).toEqual(saved);
  const other = await trainModel(ctx, payload, () => undefined, "train-other");
  expect(other.model_id).not.toBe(first.model_id);
  const { rows } = await database.pool.query(`SELECT job_id, count(*)::int AS n FROM models GROUP BY job_id ORDER BY job_id`);
  expect(rows).toEqual([{ job_id: "train-other", n: 1 }, { job_id: "train-retried", n: 1 }]);
});
