/**
 * The entry of a sandbox process (forked by `SandboxPool`): loads the processor modules, then
 * runs the jobs the worker sends, one at a time, and answers each one's outcome. The worker owns
 * its life: SIGTERM and SIGINT (a terminal's Ctrl-C reaches the whole process group) are ignored,
 * so that the worker can drain; it exits when the worker goes away.
 */
import { Worker } from "node:worker_threads";
import { UnrecoverableError } from "bullmq";
import { queriesSent } from "@mlw/db";
import type { FromSandbox, SandboxJobData, SerializedError, ToSandbox } from "./protocol";
import type { SandboxJob, SandboxProcessor } from "./sandbox-job";

function send(message: FromSandbox): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send || !process.connected) return reject(new Error("The sandbox's channel to its worker is closed."));
    process.send(message, undefined, {}, (e) => (e ? reject(e) : resolve()));
  });
}

function serialize(e: unknown): SerializedError {
  if (!(e instanceof Error)) return { name: "Error", message: String(e), unrecoverable: false };
  return { name: e.name, message: e.message, unrecoverable: e instanceof UnrecoverableError };
}

function load(module: string): SandboxProcessor {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exports = require(module) as { default?: unknown };
  const processor = exports.default ?? exports;
  if (typeof processor !== "function") throw new Error(`${module} does not export a processor function.`);
  return processor as SandboxProcessor;
}

async function init(modules: readonly string[]): Promise<void> {
  try {
    for (const module of modules) await load(module).warm?.();
    await send({ type: "ready" });
  } catch (e) {
    await send({ type: "init-failed", error: serialize(e) }).catch(() => undefined);
    process.exit(1);
  }
}

async function run(module: string, data: SandboxJobData): Promise<void> {
  const jobId = data.id;
  const job: SandboxJob = { ...data, updateProgress: (value) => send({ type: "progress", jobId, value }) };
  let outcome: FromSandbox;
  try {
    outcome = { type: "completed", jobId, value: await load(module)(job) };
  } catch (e) {
    outcome = { type: "failed", jobId, error: serialize(e) };
  }
  // A result the channel cannot carry fails the job rather than leave it waiting.
  await send(outcome).catch((e: unknown) => send({ type: "failed", jobId, error: serialize(e) }));
  await sendStats().catch(() => undefined);
}

/** The statements sent to Postgres that the last `stats` did not count. */
let reported = 0;

async function sendStats(): Promise<void> {
  const sent = queriesSent();
  await send({ type: "stats", dbQueries: sent - reported });
  reported = sent;
}

/**
 * Kills this process as soon as its worker is gone. `disconnect` does that while the event loop
 * is free; a synchronous fit can hold it for minutes, so a thread of its own watches too.
 */
function exitWithWorker(): void {
  process.on("disconnect", () => process.exit(0));
  const parent = process.ppid;
  const watcher = new Worker(`setInterval(() => { if (process.ppid !== ${parent}) process.kill(process.pid, "SIGKILL"); }, 250);`, { eval: true });
  watcher.unref();
}

if (!process.send) throw new Error("The sandbox entry must be forked with an IPC channel.");
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => undefined);
exitWithWorker();
process.on("message", (message: ToSandbox) => {
  if (message.type === "init") void init(message.modules);
  else if (message.type === "start") void run(message.module, message.job).catch(() => process.exit(1));
});
