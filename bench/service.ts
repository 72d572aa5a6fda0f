/**
 * The running service for a benchmark: the API and two workers from the built apps, on the local
 * Redis and Postgres in a schema and queue prefix of their own, with an admin key of this run's
 * own and limits out of the way; `stop` removes everything it made.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { Pool } from "pg";
import { Redis } from "ioredis";

export const ROOT = path.resolve(__dirname, "..");
export const DATA_DIR = process.env.MLW_DATASETS ?? path.resolve(ROOT, "../shared/datasets");

export interface Service {
  post(url: string, body: unknown): Promise<{ status: number; body: any }>;
  get(url: string): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export async function startService(workers = ["w1", "w2"]): Promise<Service> {
  const id = randomBytes(4).toString("hex");
  const key = `mlw_bench_${randomBytes(24).toString("hex")}`;
  const env = {
    ...process.env, DATA_DIR, MLW_ADMIN_KEY: key, RATE_LIMIT_PER_MIN: "100000000", MAX_ACTIVE_JOBS_PER_KEY: "100000", DB_SCHEMA: `bench_${id}`, QUEUE_PREFIX: `bench-${id}`, LOG_LEVEL: "warn",
    DATABASE_URL: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test", REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    PORT: String(18000 + Math.floor(Math.random() * 1000)), HOST: "127.0.0.1",
  };
  const base = `http://127.0.0.1:${env.PORT}`;
  const procs: ChildProcess[] = [spawn(process.execPath, [path.join(ROOT, "apps/api/dist/main.js")], { env, stdio: "inherit" })];
  const request = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(base + url, { method, headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };
  const stop = async (): Promise<void> => {
    for (const p of procs) p.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 1500));
    const pool = new Pool({ connectionString: env.DATABASE_URL, max: 1 });
    await pool.query(`DROP SCHEMA IF EXISTS "${env.DB_SCHEMA}" CASCADE`).finally(() => pool.end());
    const redis = new Redis(env.REDIS_URL);
    const keys = await redis.keys(`${env.QUEUE_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  };
  try {
    await waitHealthy(base);
    for (const w of workers) procs.push(spawn(process.execPath, [path.join(ROOT, "apps/worker/dist/main.js")], { env: { ...env, WORKER_ID: w }, stdio: "inherit" }));
    await new Promise((r) => setTimeout(r, 4000));
  } catch (e) {
    await stop();
    throw e;
  }
  return { post: (url, body) => request("POST", url, body), get: (url) => request("GET", url), stop };
}

async function waitHealthy(base: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the API did not start");
}
