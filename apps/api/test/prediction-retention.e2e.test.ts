import { Queue } from "bullmq";
import { connect, deletePredictionsBefore, type Database } from "@mlw/db";
import { predictionRetentionJob } from "@mlw/jobs";
import { DATABASE_URL, REDIS_URL, startWorker, useStack } from "./support/stack";

const stack = useStack({ workers: 0 });
let database: Database;
const DAY = 86_400_000;

beforeAll(() => {
  database = connect(DATABASE_URL, { schema: stack.iso.schema, max: 2 });
});
afterAll(() => database.close());

/** Logs one prediction per age (in days), ids `<tag>-<i>`. */
async function logged(tag: string, ages: number[]): Promise<void> {
  const values = ages.map((days, i) => `('${tag}-${i}', 'r', ${i}, 'model-x', 1, now() - interval '${days} days')`).join(", ");
  await database.pool.query(`INSERT INTO prediction_log (id, request_id, row_index, model_id, latency_ms, created_at) VALUES ${values}`);
}
const ids = async (tag: string): Promise<string[]> => (await database.pool.query(`SELECT id FROM prediction_log WHERE id LIKE $1 ORDER BY id`, [`${tag}-%`])).rows.map((r) => r.id);

it("deletes the rows older than the cut-off, in batches, and nothing newer", async () => {
  await logged("batch", [10, 9, 8, 7, 6, 1, 0]);
  expect(await deletePredictionsBefore(database.db, new Date(Date.now() - 5 * DAY), 2)).toBe(5);
  expect(await ids("batch")).toEqual(["batch-5", "batch-6"]);
});

it("a worker schedules prediction_retention once, runs it at once, and keeps PREDICTION_RETENTION_DAYS of the log", async () => {
  await logged("kept", [40, 31, 29.9, 2, 0]);
  const first = await startWorker(stack.iso.env, { PREDICTION_RETENTION_DAYS: "30" });
  stack.workers.push(first);
  for (let i = 0; i < 200 && !first.logs.some((l) => l.msg === "prediction log trimmed"); i++) await new Promise((r) => setTimeout(r, 100));
  expect(first.logs.find((l) => l.msg === "prediction log trimmed")).toMatchObject({ deleted: 2 });
  expect(await ids("kept")).toEqual(["kept-2", "kept-3", "kept-4"]);

  stack.workers.push(await startWorker(stack.iso.env, { PREDICTION_RETENTION_DAYS: "30" }));
  const queue = new Queue(predictionRetentionJob.name, { connection: { url: REDIS_URL }, prefix: stack.iso.prefix });
  try {
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every])).toEqual([["prediction_retention-schedule", 3_600_000]]);
  } finally {
    await queue.close();
  }
}, 60_000);
