import type { NewPredictionLogRow } from "@mlw/db";
import { createLogger } from "@mlw/runtime";
import { PredictionLog } from "../src/serving/prediction-log";

const log = createLogger("test", "silent");
const served = (n: number) => ({ requestId: "r", modelId: "m", inputs: Array.from({ length: n }, (_, i) => ({ x: i })), predictions: Array.from({ length: n }, (_, i) => i), latencyMs: 1 });

it("writes in batches: every 500 rows, on its timer and on close; never one write per request", async () => {
  const writes: NewPredictionLogRow[][] = [];
  const predictions = new PredictionLog(async (rows) => void writes.push(rows), log, { flushMs: 50 });
  predictions.start();
  for (let i = 0; i < 10; i++) {
    predictions.record(served(1));
    await new Promise((r) => setImmediate(r));
  }
  expect(writes).toEqual([]);
  await new Promise((r) => setTimeout(r, 120));
  expect(writes.map((w) => w.length)).toEqual([10]);

  predictions.record(served(499));
  predictions.record(served(2));
  await predictions.flush();
  expect(writes.map((w) => w.length)).toEqual([10, 500, 1]);

  predictions.record(served(3));
  await predictions.close();
  expect(writes.map((w) => w.length)).toEqual([10, 500, 1, 3]);
  expect(new Set(writes.flat().map((r) => r.id)).size).toBe(514);
});

it("never throws when Postgres fails, and drops rows past its buffer", async () => {
  let calls = 0;
  const predictions = new PredictionLog(async () => {
    calls++;
    throw new Error("down");
  }, log, { maxBuffered: 5 });
  predictions.record(served(4));
  predictions.record(served(4));
  await expect(predictions.close()).resolves.toBeUndefined();
  expect(calls).toBe(1);
});
