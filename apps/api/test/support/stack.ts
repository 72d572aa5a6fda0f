import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { Redis } from "ioredis";
import { Pool } from "pg";

/** Where the shared datasets are (../shared/datasets from the repository root). */
export const DATA_DIR = process.env.MLW_DATASETS ?? path.resolve(__dirname, "../../../../../shared/datasets");
const ROOT = path.resolve(__dirname, "../../../..");
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** This test file's admin key (MLW_ADMIN_KEY of every service it starts); `call` sends it unless told otherwise. */
export const ADMIN_KEY = `mlw_test_${randomBytes(24).toString("hex")}`;

/** A Postgres schema and a queue prefix of this test run's own, and how to remove them. */
export interface Isolation {
  readonly schema: string;
  readonly prefix: string;
  readonly env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** Creates an isolated namespace (schema + queue prefix) for one test file. */
export function isolate(extraEnv: Record<string, string> = {}): Isolation {
  const id = randomBytes(5).toString("hex");
  const schema = `t_${id}`;
  const prefix = `t-${id}`;
  return {
    schema,
    prefix,
    env: { REDIS_URL, DATABASE_URL, DB_SCHEMA: schema, QUEUE_PREFIX: prefix, DATA_DIR, LOG_LEVEL: "info", NODE_ENV: "test", MLW_ADMIN_KEY: ADMIN_KEY, METRICS_PORT: "0", ...extraEnv },
    async cleanup() {
      const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => pool.end());
      const redis = new Redis(REDIS_URL);
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== "0");
      await redis.quit();
    },
  };
}

/** A running service process (API or worker) with the JSON log lines it printed. */
export interface Proc {
  readonly child: ChildProcess;
  readonly logs: Record<string, any>[];
  /** What it wrote to stderr (a crash's stack trace). */
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Kills the process and its children at once, as a machine that dies would. */
  kill(): Promise<void>;
}

function startProcess(app: "api" | "worker", env: Record<string, string>, readyMsg: string): Promise<Proc> {
  // Its own process group, so that `kill` can take its sandbox children down with it.
  const child = spawn(process.execPath, [path.join(ROOT, `apps/${app}/dist/main.js`)], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const logs: Record<string, any>[] = [];
  let stderr = "";
  let buffer = "";
  const proc: Proc = {
    child,
    logs,
    stderr: () => stderr,
    stop: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill(signal);
      }),
    kill: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode) return resolve();
        child.once("exit", () => resolve());
        process.kill(-child.pid!, "SIGKILL");
      }),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${app} did not start in 30 s:\n${stderr}`)), 30_000);
    child.stderr!.on("data", (d) => (stderr += d));
    child.stdout!.on("data", (d: Buffer) => {
      buffer += d.toString();
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const entry = JSON.parse(line);
          logs.push(entry);
          if (entry.msg === readyMsg) {
            clearTimeout(timer);
            resolve(proc);
          }
        } catch {
          /* not a log line */
        }
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${app} exited with ${code} before it was ready:\n${stderr}`));
    });
  });
}

/** Starts the API on a free port (or on `env.PORT`); answers the process and its base URL. */
export async function startApi(env: Record<string, string>): Promise<Proc & { url: string }> {
  const proc = await startProcess("api", { PORT: "0", ...env, HOST: "127.0.0.1" }, "api listening");
  const port = proc.logs.find((l) => l.msg === "api listening")!.port;
  return Object.assign(proc, { url: `http://127.0.0.1:${port}` });
}

/** Starts one worker process. */
export function startWorker(env: Record<string, string>, extra: Record<string, string> = {}): Promise<Proc> {
  return startProcess("worker", { ...env, ...extra }, "worker ready");
}

/** How `call` authenticates: a key (default ADMIN_KEY) or none, plus extra headers. */
export interface CallOptions {
  readonly key?: string | null;
  readonly headers?: Record<string, string>;
}

/** A JSON HTTP call against the API, with `Authorization: Bearer <ADMIN_KEY>` unless `options.key` says otherwise. */
export async function call(base: string, method: string, url: string, body?: unknown, options: CallOptions = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const key = options.key === undefined ? ADMIN_KEY : options.key;
  const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }), ...options.headers };
  const res = await fetch(base + url, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Polls `GET /jobs/{id}` until the job completes or fails (or the deadline passes). */
export async function pollJob(base: string, id: string, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await call(base, "GET", `/jobs/${id}`);
    if (body.state === "completed" || body.state === "failed") return body;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${body.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A running API and workers in an isolated namespace, set up for one test file. */
export interface Stack {
  readonly iso: Isolation;
  readonly api: Proc & { url: string };
  readonly workers: Proc[];
}

/**
 * Registers beforeAll/afterAll that start the API and `workers` workers in an isolated
 * namespace, and stop and clean everything after the file. Read the stack inside tests.
 */
export function useStack(options: { workers?: number; env?: Record<string, string>; workerEnv?: (i: number) => Record<string, string> } = {}): Stack {
  const stack = { workers: [] as Proc[] } as { iso: Isolation; api: Proc & { url: string }; workers: Proc[] };
  beforeAll(async () => {
    stack.iso = isolate(options.env);
    stack.api = await startApi(stack.iso.env);
    for (let i = 0; i < (options.workers ?? 1); i++) stack.workers.push(await startWorker(stack.iso.env, options.workerEnv?.(i) ?? {}));
  }, 60_000);
  afterAll(async () => {
    await Promise.all([stack.api?.stop(), ...stack.workers.map((w) => w.stop())]);
    await stack.iso?.cleanup();
  });
  return stack;
}

/**
 * The live processes of process group `pgid` (a worker's group: the worker and its sandboxes).
 * Zombies do not count: an orphan is dead, and waits only for init to reap it.
 */
export function processGroup(pgid: number): number[] {
  const rows = execFileSync("ps", ["-eo", "pid=,pgid=,stat="], { encoding: "utf8" }).trim().split("\n");
  return rows
    .map((row) => row.trim().split(/\s+/))
    .filter(([, group, stat]) => Number(group) === pgid && !stat!.startsWith("Z"))
    .map(([pid]) => Number(pid));
}

/** Waits up to `ms` for process group `pgid` to have no live process; answers whether it has none. */
export async function groupGone(pgid: number, ms = 3000): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until && processGroup(pgid).length > 0; ) await new Promise((r) => setTimeout(r, 50));
  return processGroup(pgid).length === 0;
}
