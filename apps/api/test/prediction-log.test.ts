import type { NewPredictionLogRow } from "@mlw/db";
import { createLogger } from "@mlw/runtime";
import { PredictionLog } from "../src/serving/prediction-log";

const log = createLogger("test", "silent");
const served = (n: number, ids: (string | null)[] = Array.from({ length: n }, (_, i) => `p${seq++}-${i}`)) => ({
  requestId: "r",
  ids,
  rows: Array.from({ length: n }, (_, i) => ({ x: String(i), y: "" })),
  modelId: "m",
  predictions: Array.from({ length: n }, (_, i) => i),
  probabilities: Array.from({ length: n }, () => ({ a: 0.25, b: 0.75 })),
  latencyMs: 1,
});
let seq = 0;

it("writes in batches: every 500 rows, on its timer and on close; never one write per request", async () => {
  const writes: NewPredictionLogRow[][] = [];
  const predictions = new PredictionLog(async (rows) => void writes.push(rows), log, { flushMs: 50 });
  predictions.start();
  for (let i = 0; i < 10; i++) {
    predictions.record(served(1));
    await new Promise((r) => setImmediate(r));
  }
  expect(writes).toEqual([]);
  // The timer (50 ms) writes them; a loaded machine may be late, so wait up to 2 s for it.
  for (let i = 0; i < 100 && !writes.length; i++) await new Promise((r) => setTimeout(r, 20));
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

it("logs each row with its id, raw input, output and probabilities; a row without an id is not logged", async () => {
  const writes: NewPredictionLogRow[][] = [];
  const predictions = new PredictionLog(async (rows) => void writes.push(rows), log);
  predictions.record(served(3, ["a", null, "c"]));
  await predictions.close();
  expect(writes.flat()).toEqual([
    expect.objectContaining({ id: "a", rowIndex: 0, input: { x: "0", y: "" }, result: 0, probabilities: { a: 0.25, b: 0.75 }, latencyMs: 1, createdAt: expect.any(Date) }),
    expect.objectContaining({ id: "c", rowIndex: 2, input: { x: "2", y: "" }, result: 2 }),
  ]);
});

it("samples rows at its rate: ids for about that share, null for the others", () => {
  let i = 0;
  const draws = [0.05, 0.5, 0.25, 0.9];
  const predictions = new PredictionLog(async () => undefined, log, { sample: 0.3, random: () => draws[i++ % draws.length]! });
  const ids = predictions.ids(4);
  expect(ids.map((id) => id !== null)).toEqual([true, false, true, false]);
  expect(new PredictionLog(async () => undefined, log, { sample: 0 }).ids(100).every((id) => id === null)).toBe(true);
  // The default draw: 30% of 10,000 rows, within 6.5 standard deviations.
  const share = new PredictionLog(async () => undefined, log, { sample: 0.3 }).ids(10_000).filter((id) => id !== null).length / 10_000;
  expect(share).toBeGreaterThan(0.27);
  expect(share).toBeLessThan(0.33);
  const all = new PredictionLog(async () => undefined, log).ids(1000);
  expect(new Set(all).size).toBe(1000);
  expect(all.every((id) => typeof id === "string")).toBe(true);
});
