import { randomBytes } from "node:crypto";
import { REDIS_URL, removePrefix } from "./redis-prefix";
import { z } from "zod";
import { defineJob, JobQueues, uuidKey } from "@mlw/jobs";
import { MlError } from "@mlw/ml-core";
import { createLogger, createRedis, parseEnv, type RedisClient } from "@mlw/runtime";
import { envSchema } from "../src/env";
import { startWorkers, type Workers } from "../src/workers";

const prefix = `t-${randomBytes(5).toString("hex")}`;

// A new job kind is its declaration, its processor and whatever enqueues it: nothing else.
const shout = defineJob({
  name: "shout",
  description: "Upper-cases a text; refuses an empty one.",
  payload: z.object({ text: z.string() }),
  result: z.object({ text: z.string() }),
  options: { attempts: 3, backoff: { type: "fixed", delay: 10 } },
  key: uuidKey,
  worker: { sandboxed: false, concurrency: 2 },
});
const shoutProcessor = () => async (job: { data: { text: string } }) => {
  if (!job.data.text) throw new MlError("EMPTY_TEXT", "There is nothing to shout.", 422);
  return { text: job.data.text.toUpperCase() };
};

let connection: RedisClient;
let producerConnection: RedisClient;
let workers: Workers;
let producers: JobQueues;

beforeAll(() => {
  const config = parseEnv(envSchema, { REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: "silent" });
  connection = createRedis({ REDIS_URL }, "worker");
  workers = startWorkers(config, connection, createLogger("test", "silent"), { kinds: [shout], factories: { shout: shoutProcessor } });
  producerConnection = createRedis({ REDIS_URL }, "producer");
  producers = new JobQueues(producerConnection, { REDIS_URL }, prefix, [shout]);
});

afterAll(async () => {
  await workers.close(true);
  await producers.close();
  await removePrefix(prefix);
  await Promise.all([connection.quit(), producerConnection.quit()]);
});

it("runs a job kind declared in a few lines end to end", async () => {
  const job = await producers.add(shout, { text: "hello" });
  expect(job.id).toMatch(/^shout-/);
  await expect(producers.wait(shout, job, 10)).resolves.toEqual({ state: "completed", result: { text: "HELLO" } });
  expect((await producers.find(job.id!))?.kind).toBe(shout);
});

it("records a user mistake as the failure envelope, without retrying it", async () => {
  const job = await producers.add(shout, { text: "" });
  await expect(producers.wait(shout, job, 10)).resolves.toEqual({ state: "failed", error: { code: "EMPTY_TEXT", status: 422, message: "There is nothing to shout." } });
  expect((await producers.find(job.id!))?.job.attemptsMade).toBe(1);
});

it("refuses a payload that does not fit the declaration before it is enqueued", async () => {
  await expect(producers.add(shout, { text: 3 } as never)).rejects.toBeInstanceOf(z.ZodError);
  await expect(producers.add(shout, { text: "x" }, "train-0b0e0a1c-2d3e-4f50-8a6b-7c8d9e0f1a2b")).rejects.toThrow(/not an id of a shout job/);
});

it("answers a finished job's result even from a Job object read before it finished", async () => {
  const stale = await producers.add(shout, { text: "late" });
  await stale.waitUntilFinished(await producers.queueEvents(shout), 10_000);
  // `stale` still holds no result; its state is completed. The outcome must come from the stored job.
  expect(stale.returnvalue).toBeFalsy();
  await expect(producers.outcome(shout, stale)).resolves.toEqual({ state: "completed", result: { text: "LATE" } });
  const failed = await producers.add(shout, { text: "" });
  await failed.waitUntilFinished(await producers.queueEvents(shout), 10_000).catch(() => undefined);
  await expect(producers.outcome(shout, failed)).resolves.toMatchObject({ state: "failed", error: { code: "EMPTY_TEXT" } });
});
