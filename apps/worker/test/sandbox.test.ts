import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { REDIS_URL, removePrefix } from "./redis-prefix";
import { z } from "zod";
import { defineJob, JobQueues, uuidKey } from "@mlw/jobs";
import { createLogger, createRedis, parseEnv, type RedisClient } from "@mlw/runtime";
import { envSchema } from "../src/env";
import { startWorkers, type Workers } from "../src/workers";

const prefix = `t-${randomBytes(5).toString("hex")}`;

// A sandboxed kind with a time limit of 1 s, run by a processor of the test's own
// (fixtures/nap-processor.js) in the sandboxes the worker's build starts.
const nap = defineJob({
  name: "nap",
  description: "Holds its sandbox for spinMs.",
  payload: z.object({ spinMs: z.number().default(0), exitOnAttempt: z.number().optional() }),
  result: z.object({ pid: z.number(), attempt: z.number(), warmed: z.number() }),
  options: { attempts: 3, backoff: { type: "fixed", delay: 10 } },
  key: uuidKey,
  worker: { sandboxed: true, concurrency: 1, timeout: 1 },
});
// The same without a time limit, for what must not depend on one.
const longNap = defineJob({ ...nap, name: "long_nap", worker: { sandboxed: true, concurrency: 1 } });

const napProcessor = path.join(__dirname, "fixtures/nap-processor.js");

let connection: RedisClient;
let producerConnection: RedisClient;
let workers: Workers;
let producers: JobQueues;
let closed = false;
const seenPids = new Set<number>();

/** Whether process `pid` runs: it exists and is not a zombie (an orphan waits for init to reap it). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}
async function gone(pid: number, ms = 3000): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until && alive(pid); ) await new Promise((r) => setTimeout(r, 25));
  return !alive(pid);
}
/** The pid of the sandbox running `id`, once it has reported it. */
async function sandboxOf(id: string): Promise<number> {
  for (let i = 0; i < 400; i++) {
    const progress = (await producers.find(id))?.job.progress as { pid?: number } | undefined;
    if (progress?.pid) return seenPids.add(progress.pid), progress.pid;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${id} never reported its sandbox`);
}

beforeAll(() => {
  const config = parseEnv(envSchema, { REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: "silent" });
  connection = createRedis({ REDIS_URL }, "worker");
  workers = startWorkers(config, connection, createLogger("test", "silent"), {
    kinds: [nap, longNap],
    sandbox: { entry: path.resolve(__dirname, "../dist/sandbox/child.js"), modules: { nap: napProcessor, long_nap: napProcessor } },
  });
  producerConnection = createRedis({ REDIS_URL }, "producer");
  producers = new JobQueues(producerConnection, { REDIS_URL }, prefix, [nap, longNap]);
});

afterAll(async () => {
  if (!closed) await workers.close(true);
  await producers.close();
  await removePrefix(prefix);
  await Promise.all([connection.quit(), producerConnection.quit()]);
});

it("runs jobs in a sandbox warmed once and reused, and forwards their progress", async () => {
  const a = await producers.add(nap, {});
  const first = await producers.wait(nap, a, 30);
  const b = await producers.add(nap, {});
  const second = await producers.wait(nap, b, 30);
  expect(first).toMatchObject({ state: "completed", result: { attempt: 1, warmed: 1 } });
  const pid = (first as { result: { pid: number } }).result.pid;
  seenPids.add(pid);
  expect(pid).not.toBe(process.pid);
  expect(second).toEqual({ state: "completed", result: { pid, attempt: 1, warmed: 1 } });
  expect((await producers.find(b.id!))?.job.progress).toEqual({ pid, attempt: 1 });
});

it("fails a job past its time limit with JOB_TIMEOUT, unretried, kills its sandbox, and goes on serving", async () => {
  const job = await producers.add(nap, { spinMs: 20_000 });
  const pid = await sandboxOf(job.id!);
  const started = Date.now();
  const outcome = await producers.wait(nap, job, 30);
  expect(Date.now() - started).toBeLessThan(5000);
  expect(outcome).toEqual({
    state: "failed",
    error: { code: "JOB_TIMEOUT", status: 504, message: "The nap job ran longer than its limit of 1 s (the nap job kind's declaration) and was stopped." },
  });
  expect((await producers.find(job.id!))?.job.attemptsMade).toBe(1);
  expect(await gone(pid)).toBe(true);

  const next = await producers.add(nap, {});
  const after = await producers.wait(nap, next, 30);
  expect(after).toMatchObject({ state: "completed", result: { attempt: 1, warmed: 1 } });
  const replacement = (after as { result: { pid: number } }).result.pid;
  seenPids.add(replacement);
  expect(replacement).not.toBe(pid);
});

it("cancels a running job: its sandbox is killed and the job fails with CANCELLED, unretried", async () => {
  const job = await producers.add(longNap, { spinMs: 20_000 });
  const pid = await sandboxOf(job.id!);
  expect(workers.cancel("nap-not-running")).toBe(false);
  expect(workers.cancel(job.id!, "the test asked")).toBe(true);
  const outcome = await producers.wait(longNap, job, 10);
  expect(outcome).toEqual({ state: "failed", error: { code: "CANCELLED", status: 499, message: "The long_nap job was cancelled: the test asked" } });
  expect((await producers.find(job.id!))?.job.attemptsMade).toBe(1);
  expect(await gone(pid)).toBe(true);
});

it("cancels from another process (JobQueues.cancel): a waiting job fails at once, a running one is stopped by its worker", async () => {
  const running = await producers.add(longNap, { spinMs: 20_000 });
  const pid = await sandboxOf(running.id!);
  const waiting = await producers.add(longNap, {});
  expect(await producers.cancel(longNap, waiting.id!, "not needed", { why: "test" })).toBe("failed");
  expect(await producers.outcome(longNap, waiting)).toEqual({
    state: "failed",
    error: { code: "CANCELLED", status: 499, message: "The long_nap job was cancelled: not needed", details: { why: "test" } },
  });

  const asked = Date.now();
  expect(await producers.cancel(longNap, running.id!, "the test asked")).toBe("stopping");
  const outcome = await producers.wait(longNap, running, 10);
  expect(Date.now() - asked).toBeLessThan(3000);
  expect(outcome).toEqual({ state: "failed", error: { code: "CANCELLED", status: 499, message: "The long_nap job was cancelled: the test asked" } });
  expect((await producers.find(running.id!))?.job.attemptsMade).toBe(1);
  expect(await gone(pid)).toBe(true);
  expect(await producers.cancel(longNap, running.id!, "again")).toBe("finished");

  const next = await producers.add(longNap, {});
  expect(await producers.wait(longNap, next, 30)).toMatchObject({ state: "completed" });
  seenPids.add(((await producers.outcome(longNap, next)) as { result: { pid: number } }).result.pid);
});

it("retries a job whose sandbox dies on its own, as any failure", async () => {
  const job = await producers.add(nap, { exitOnAttempt: 1 });
  const outcome = await producers.wait(nap, job, 30);
  expect(outcome).toMatchObject({ state: "completed", result: { attempt: 2 } });
  seenPids.add((outcome as { result: { pid: number } }).result.pid);
});

it("kills every sandbox at once on killSandboxes, and leaves none behind when closed", async () => {
  const job = await producers.add(longNap, { spinMs: 20_000 });
  const pid = await sandboxOf(job.id!);
  workers.killSandboxes();
  expect(await gone(pid, 1000)).toBe(true);
  closed = true;
  await workers.close(true);
  for (const p of seenPids) expect([p, alive(p)]).toEqual([p, false]);
  const sandboxes = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], { encoding: "utf8" }).split("\n").filter((l) => l.includes("sandbox/child.js"));
  expect(sandboxes).toEqual([]);
});

it("a sandbox whose worker is killed alone dies too, even in the middle of a synchronous fit", async () => {
  const parent = spawn(process.execPath, [path.join(__dirname, "fixtures/orphan-parent.js")], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve) => parent.stdout.once("data", (d: Buffer) => resolve(d.toString())));
  const { pid } = JSON.parse(line) as { pid: number };
  expect(alive(pid)).toBe(true);
  parent.kill("SIGKILL");
  expect(await gone(pid, 1500)).toBe(true);
});
