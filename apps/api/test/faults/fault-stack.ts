import { Pool } from "pg";
import { PrivateRedis } from "../support/private-redis";
import { call, DATABASE_URL, groupGone, isolate, startApi, startWorker, type Isolation, type Proc } from "../support/stack";

/**
 * Settings that make a dead worker's job come back within a few seconds. The suite kills a worker
 * every 2 s, so one job can be on several of the dead ones: it may be taken back up to 10 times
 * (MAX_STALLED_COUNT; the default, 1, fails a train job on the second machine that dies under it).
 */
export const FAST_RECOVERY = { JOB_LOCK_MS: "3000", STALLED_INTERVAL_MS: "1000", MAX_STALLED_COUNT: "10" } as const;

/**
 * One scenario's service: a private Redis, an isolated Postgres schema, an API and workers, every
 * process of which is remembered so that `teardown` can prove none is left behind. Every
 * Postgres connection of the service carries `application_name` = the queue prefix, so a test
 * can find (and terminate) its own connections and nobody else's.
 */
export class FaultStack {
  readonly procs: Proc[] = [];
  workers: Proc[] = [];
  api!: Proc & { url: string };

  private constructor(
    readonly redis: PrivateRedis,
    readonly iso: Isolation,
  ) {}

  static async start(workers: number): Promise<FaultStack> {
    const redis = await PrivateRedis.start({ appendOnly: true });
    const iso = isolate({ REDIS_URL: redis.url, ...FAST_RECOVERY });
    const url = new URL(DATABASE_URL);
    url.searchParams.set("application_name", iso.prefix);
    iso.env.DATABASE_URL = url.toString();
    const stack = new FaultStack(redis, iso);
    await stack.startApi();
    for (let i = 0; i < workers; i++) await stack.addWorker();
    return stack;
  }

  get url(): string {
    return this.api.url;
  }

  /** Starts the API (again on the same port, when it ran before, as behind a fixed address). */
  async startApi(): Promise<void> {
    const port = this.api ? new URL(this.api.url).port : "0";
    this.api = await startApi({ ...this.iso.env, PORT: port });
    this.procs.push(this.api);
  }

  /** Each worker's WORKER_ID (what trial rows record). */
  readonly workerIds = new Map<Proc, string>();

  async addWorker(): Promise<Proc> {
    const id = `w${this.procs.length}`;
    const worker = await startWorker(this.iso.env, { WORKER_ID: id });
    this.workerIds.set(worker, id);
    this.procs.push(worker);
    this.workers.push(worker);
    return worker;
  }

  /** SIGKILLs a worker's whole process group (the worker and its sandboxes). */
  async killWorker(worker: Proc): Promise<void> {
    await worker.kill();
    this.workers = this.workers.filter((w) => w !== worker);
  }

  /** Milliseconds until `/health/ready` answers 200 (throws past `limitMs`). */
  async readyWithin(limitMs = 5000): Promise<number> {
    const started = Date.now();
    for (;;) {
      const res = await call(this.url, "GET", "/health/ready").catch(() => undefined);
      if (res?.status === 200) return Date.now() - started;
      if (Date.now() - started > limitMs) throw new Error(`/health/ready answered ${res?.status ?? "nothing"} ${limitMs} ms after the fault ended`);
      await sleep(100);
    }
  }

  /** A query against the shared Postgres in this scenario's schema. */
  async query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
    try {
      return (await pool.query(sql.replaceAll("$schema", `"${this.iso.schema}"`), params)).rows as T[];
    } finally {
      await pool.end();
    }
  }

  /**
   * The pass conditions shared by every scenario: every job completed, no job with two models,
   * every study complete with exactly `n_trials` distinct finished trials (numbers 0..n-1).
   */
  async expectAllSettledCleanly(jobIds: string[], studies: { id: string; nTrials: number }[] = [], timeoutMs = 180_000): Promise<void> {
    const jobs = await Promise.all(jobIds.map((id) => settle(this.url, id, timeoutMs)));
    expect(jobs.filter((j) => j.state !== "completed").map((j) => ({ id: j.job_id ?? j.id, type: j.type, attempts: j.attempts, state: j.state, error: j.error }))).toEqual([]);
    const twice = await this.query(`SELECT job_id, count(*)::int AS n FROM $schema.models GROUP BY job_id HAVING count(*) > 1`);
    expect(twice).toEqual([]);
    for (const study of studies) {
      const row = (await call(this.url, "GET", `/studies/${study.id}`)).body;
      expect(row.state).toBe("complete");
      const unfinished = row.trials.filter((t: any) => t.state !== "complete" && t.state !== "pruned");
      expect(unfinished.map((t: any) => ({ number: t.number, state: t.state, error: t.error }))).toEqual([]);
      expect(row.trials.map((t: any) => t.number).sort((a: number, b: number) => a - b)).toEqual([...Array(study.nTrials).keys()]);
    }
  }

  /** The API and workers that exited on their own (none should), with the end of their stderr. */
  crashed(): { pid: number; exit: number | null; stderr: string }[] {
    return [this.api, ...this.workers].filter((p) => p.child.exitCode !== null).map((p) => ({ pid: p.child.pid!, exit: p.child.exitCode, stderr: p.stderr().slice(-1500) }));
  }

  /** The service's Postgres connections (by application_name), for pg_terminate_backend. */
  async terminateConnections(): Promise<number> {
    const rows = await this.query<{ pid: number }>(`SELECT pg_terminate_backend(pid) AS ok, pid FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`, [this.iso.prefix]);
    return rows.length;
  }

  /**
   * Kills every process the scenario started, checks that each process group is gone (a worker's
   * sandboxes with it), then removes Redis, the schema and the folder.
   */
  async teardown(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.stop().catch(() => undefined)));
    const leftovers: number[] = [];
    for (const p of this.procs) if (!(await groupGone(p.child.pid!, 10_000))) leftovers.push(p.child.pid!);
    for (const pgid of leftovers) process.kill(-pgid, "SIGKILL");
    await this.redis.destroy();
    await this.iso.cleanup();
    expect(leftovers).toEqual([]);
  }
}

/** The job's final view from `GET /jobs/{id}`, polled until it completes or fails (retrying while the API is away). */
export async function settle(base: string, id: string, timeoutMs: number): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(base, "GET", `/jobs/${id}`).catch(() => undefined);
    if (res?.body?.state === "completed" || res?.body?.state === "failed") return res.body;
    if (Date.now() > deadline) return { id, state: res?.body?.state ?? "unknown", error: "did not settle in time" };
    await sleep(250);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A small valid train request (iris or wine, fast algorithms). */
export function smallTrain(i: number): Record<string, unknown> {
  const algorithms = [
    { algorithm: "GradientBoostingClassifier", hyperparams: { n_estimators: 60 } },
    { algorithm: "LogisticRegression", hyperparams: {} },
    { algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 200, n_jobs: 1 } },
  ];
  const data = i % 2 === 0 ? { dataset_path: "iris.csv", target_column: "species" } : { dataset_path: "wine.csv", target_column: "cultivar" };
  return { ...data, ...algorithms[i % algorithms.length], random_state: i };
}

/** A small valid study (iris, a random forest over a few parameters). */
export function smallStudy(nTrials: number): Record<string, unknown> {
  return {
    dataset_path: "iris.csv",
    target_column: "species",
    algorithm: "RandomForestClassifier",
    n_trials: nTrials,
    n_parallel: 2,
    cv_folds: 5,
    random_state: 7,
    search_space: { n_estimators: { type: "int", low: 100, high: 300 }, max_depth: { type: "int", low: 2, high: 8 } },
  };
}
