import { randomBytes } from "node:crypto";
import { JobQueues, studyOfTrialJob, trialJob } from "@mlw/jobs";
import { MlError } from "@mlw/ml-core";
import { createLogger, createRedis, parseEnv, type RedisClient } from "@mlw/runtime";
import { envSchema } from "../src/env";
import { startWorkers, type Workers } from "../src/workers";
import { REDIS_URL, removePrefix } from "./redis-prefix";

const prefix = `t-${randomBytes(5).toString("hex")}`;
const A = "study-00000000000000a1";
const B = "study-00000000000000b2";

// Trials that end at once: number 99 fails for good (a user mistake), the others complete.
const trialProcessor = () => async (job: { data: { number: number } }) => {
  if (job.data.number === 99) throw new MlError("BAD_TRIAL", "This trial cannot run.", 422);
  return { state: "complete", value: 1 };
};

let connection: RedisClient;
let producerConnection: RedisClient;
let workers: Workers;
let queues: JobQueues;

beforeAll(() => {
  const config = parseEnv(envSchema, { REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: "silent" });
  connection = createRedis({ REDIS_URL }, "worker");
  workers = startWorkers(config, connection, createLogger("test", "silent"), { kinds: [trialJob], factories: { trial: trialProcessor } });
  producerConnection = createRedis({ REDIS_URL }, "producer");
  queues = new JobQueues(producerConnection, { REDIS_URL }, prefix, [trialJob]);
});

afterAll(async () => {
  await workers.close(true);
  await queues.close();
  await removePrefix(prefix);
  await Promise.all([connection.quit(), producerConnection.quit()]);
});

/** Enqueues trial `number` of `study` and waits until its job has ended. */
async function runTrial(study: string, number: number): Promise<void> {
  const job = await queues.add(trialJob, { study_id: study, number }, trialJob.jobId(study, number));
  await queues.wait(trialJob, job, 10);
}

it("names the study of a trial job, and no study for another kind's job", () => {
  expect(studyOfTrialJob(trialJob.jobId(A, 12))).toBe(A);
  expect(studyOfTrialJob("train-0b0e0a1c-2d3e-4f50-8a6b-7c8d9e0f1a2b")).toBeUndefined();
});

it("wakes the watch of the trial's study when its job completes, and not another study's", async () => {
  const [a, b] = [await queues.watchTrials(A), await queues.watchTrials(B)];
  const woken = a.next(10_000);
  const other = b.next(1500);
  const started = Date.now();
  await queues.add(trialJob, { study_id: A, number: 0 }, trialJob.jobId(A, 0));
  await expect(woken).resolves.toBe(true);
  expect(Date.now() - started).toBeLessThan(5000);
  await expect(other).resolves.toBe(false);
  a.close();
  b.close();
});

it("keeps a trial's end that came while nobody slept, for the next sleep", async () => {
  const watch = await queues.watchTrials(A);
  await runTrial(A, 1);
  const started = Date.now();
  await expect(watch.next(10_000)).resolves.toBe(true);
  expect(Date.now() - started).toBeLessThan(100);
  // Only once: the next sleep waits for a new end.
  await expect(watch.next(300)).resolves.toBe(false);
  watch.close();
});

it("wakes on a failed trial job too", async () => {
  const watch = await queues.watchTrials(B);
  const woken = watch.next(10_000);
  await queues.add(trialJob, { study_id: B, number: 99 }, trialJob.jobId(B, 99));
  await expect(woken).resolves.toBe(true);
  watch.close();
});

it("wakes every watch of a study (two coordinators of one study), and a closed one no more", async () => {
  const [first, second] = [await queues.watchTrials(A), await queues.watchTrials(A)];
  const both = [first.next(10_000), second.next(10_000)];
  await runTrial(A, 2);
  await expect(Promise.all(both)).resolves.toEqual([true, true]);
  second.close();
  await runTrial(A, 3);
  await expect(first.next(1000)).resolves.toBe(true);
  await expect(second.next(300)).resolves.toBe(false);
  first.close();
});

it("answers false once its time is up, or when closed while asleep", async () => {
  const watch = await queues.watchTrials(B);
  const started = Date.now();
  await expect(watch.next(200)).resolves.toBe(false);
  expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  const asleep = watch.next(60_000);
  watch.close();
  await expect(asleep).resolves.toBe(false);
});
