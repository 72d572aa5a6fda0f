/**
 * What the service benchmarks share: a run's own API key, schema and queue prefix; starting the
 * API and workers from the built dist; calling the API; and cleaning up after the run.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import Papa from "papaparse";
import { Pool } from "pg";
import { Redis } from "ioredis";

export const ROOT = path.resolve(__dirname, "..");
export const DATA_DIR = process.env.MLW_DATASETS ?? path.resolve(ROOT, "../shared/datasets");

/** One benchmark run: its own admin key, schema, queue prefix and port, and the processes it started. */
export class BenchStack {
  readonly id = randomBytes(4).toString("hex");
  readonly key = `mlw_bench_${randomBytes(24).toString("hex")}`;
  readonly env: NodeJS.ProcessEnv;
  readonly base: string;
  private readonly procs: ChildProcess[] = [];

  /** `overrides` are added to the environment of every process (e.g. a rate limit). */
  constructor(overrides: Record<string, string> = {}) {
    this.env = {
      ...process.env, DATA_DIR, MLW_ADMIN_KEY: this.key, RATE_LIMIT_PER_MIN: "100000000", MAX_ACTIVE_JOBS_PER_KEY: "100000", DB_SCHEMA: `bench_${this.id}`, QUEUE_PREFIX: `bench-${this.id}`, LOG_LEVEL: "warn",
      DATABASE_URL: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test", REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      PORT: String(18000 + Math.floor(Math.random() * 1000)), HOST: "127.0.0.1", METRICS_PORT: "0",
      ...overrides,
    };
    this.base = `http://127.0.0.1:${this.env.PORT}`;
  }

  /** Starts the API and waits for /health (`nodeArgs`, e.g. `--cpu-prof`, go to node). */
  async startApi(env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<ChildProcess> {
    const api = this.spawn("apps/api/dist/main.js", env, nodeArgs);
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`${this.base}/health`)).ok) return api;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error("the API did not start");
  }

  /** Starts a worker and gives it time to connect. */
  async startWorkers(ids: string[]): Promise<ChildProcess[]> {
    const workers = ids.map((w) => this.spawn("apps/worker/dist/main.js", { WORKER_ID: w }));
    await new Promise((r) => setTimeout(r, 4000));
    return workers;
  }

  /** Stops `proc` with SIGTERM and waits for it to exit. */
  async stop(proc: ChildProcess): Promise<void> {
    if (proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    await exited;
  }

  async call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const res = await fetch(this.base + url, { method, headers: { "content-type": "application/json", authorization: `Bearer ${this.key}`, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  }

  /** Calls the API and throws unless it answers `status`. */
  async expect(status: number, method: string, url: string, body?: unknown): Promise<any> {
    const res = await this.call(method, url, body);
    if (res.status !== status) throw new Error(`${method} ${url} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** Runs `sql` in this run's schema. */
  async query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const pool = new Pool({ connectionString: this.env.DATABASE_URL, max: 1, options: `-c search_path=${this.env.DB_SCHEMA}` });
    try {
      return (await pool.query(sql)).rows as T[];
    } finally {
      await pool.end();
    }
  }

  /** Stops every process this run started and drops its schema and queue keys. */
  async cleanUp(): Promise<void> {
    await Promise.all(this.procs.map((p) => this.stop(p)));
    const pool = new Pool({ connectionString: this.env.DATABASE_URL, max: 1 });
    await pool.query(`DROP SCHEMA IF EXISTS "${this.env.DB_SCHEMA}" CASCADE`).finally(() => pool.end());
    const redis = new Redis(this.env.REDIS_URL!);
    const keys = await redis.keys(`${this.env.QUEUE_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  }

  private spawn(script: string, env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
    const proc = spawn(process.execPath, [...nodeArgs, path.join(ROOT, script)], { env: { ...this.env, ...env }, stdio: "inherit" });
    this.procs.push(proc);
    return proc;
  }
}

/** The first data row of churn.csv as a raw record, without its target. */
export function churnRow(): Record<string, unknown> {
  const { data } = Papa.parse<Record<string, unknown>>(readFileSync(path.join(DATA_DIR, "churn.csv"), "utf8"), { header: true, dynamicTyping: true, preview: 1 });
  const { Churn: _target, ...row } = data[0]!;
  return row;
}

export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** What one autocannon run measured: answers of the expected status per second, their latency, and the rest. */
export interface Loaded {
  /** Answers with the expected status. */
  ok: number;
  rps: number;
  p50: number;
  p99: number;
  /** Answers with another status, and errors. */
  failed: number;
}

/**
 * `requests` JSON POSTs of `body` to `url` at `connections` connections with the stack's key (a
 * count, not a duration, so that every answer is counted), as fast as they go or at `rate`
 * requests/s. Latencies are autocannon's per-response times of the answers with `status`
 * (fractional milliseconds; its own histogram rounds them to whole ones).
 */
export function loadPost(stack: BenchStack, url: string, body: unknown, options: { requests: number; connections: number; status: number; rate?: number }): Promise<Loaded> {
  const times: number[] = [];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const run = autocannon(
      {
        url: stack.base + url,
        method: "POST",
        connections: options.connections,
        amount: options.requests,
        overallRate: options.rate,
        headers: { "content-type": "application/json", authorization: `Bearer ${stack.key}` },
        body: JSON.stringify(body),
      },
      (err, result) => {
        if (err) return reject(err);
        times.sort((a, b) => a - b);
        const ok = times.length;
        resolve({ ok, rps: ok / ((performance.now() - started) / 1000), p50: quantile(times, 0.5), p99: quantile(times, 0.99), failed: result.non2xx + result["2xx"] - ok + result.errors });
      },
    );
    run.on("response", (_client, status: number, _bytes, ms: number) => {
      if (status === options.status) times.push(ms);
    });
  });
}

/**
 * Resident memory of process `pid` and its descendants (a worker's sandboxes), in bytes, from
 * /proc/<pid>/status VmRSS: `self` for the process alone, `tree` with its descendants.
 */
export function rssOf(pid: number): { self: number; tree: number } {
  const rss = (p: number) => {
    try {
      return 1024 * Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      return 0; // gone meanwhile
    }
  };
  const rows = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" }).trim().split("\n").map((r) => r.trim().split(/\s+/).map(Number));
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of rows) if (parent === tree[i]) tree.push(child!);
  return { self: rss(pid), tree: tree.reduce((sum, p) => sum + rss(p), 0) };
}

/** Runs `main`, printing its error and exiting non-zero when it throws, then cleans `stack` up. */
export function runBench(stack: BenchStack, main: () => Promise<void>): void {
  main()
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    })
    .finally(() => stack.cleanUp());
}
