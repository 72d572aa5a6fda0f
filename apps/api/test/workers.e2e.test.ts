import { Pool } from "pg";
import { call, DATABASE_URL, pollJob, startWorker, useStack, type Proc } from "./support/stack";

const stack = useStack({ workers: 0 });

const startedJobs = (w: Proc): string[] => w.logs.filter((l) => l.msg === "train started").map((l) => l.jobId);

it("two workers on one queue complete 6 train jobs, each exactly once", async () => {
  stack.workers.push(await startWorker(stack.iso.env, { WORKER_ID: "w1" }), await startWorker(stack.iso.env, { WORKER_ID: "w2" }));
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    // Jobs long enough (a few hundred ms each) that one worker cannot drain all six before the
    // other's first fetch, even on a loaded machine.
    const res = await call(stack.api.url, "POST", "/train", { dataset_path: "wine.csv", target_column: "cultivar", algorithm: "RandomForestClassifier", random_state: i, hyperparams: { n_estimators: 300, n_jobs: 1 } });
    expect(res.status).toBe(202);
    ids.push(res.body.job_id);
  }
  const jobs = await Promise.all(ids.map((id) => pollJob(stack.api.url, id, 120_000)));
  for (const job of jobs) expect(job).toMatchObject({ state: "completed", attempts: 1 });

  const started = stack.workers.flatMap(startedJobs);
  expect(started.sort()).toEqual([...ids].sort()); // every job started once, on one worker
  expect(stack.workers.every((w) => startedJobs(w).length > 0)).toBe(true); // both took work

  const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    const { rows } = await pool.query(`SELECT job_id, count(*)::int AS n FROM "${stack.iso.schema}".models GROUP BY job_id`);
    expect(rows.map((r) => r.job_id).sort()).toEqual([...ids].sort());
    expect(rows.every((r) => r.n === 1)).toBe(true);
  } finally {
    await pool.end();
  }
}, 180_000);

it("a worker stopped with SIGTERM finishes its active job before it exits", async () => {
  const w = await startWorker(stack.iso.env, { WORKER_ID: "w3" });
  stack.workers.push(w);
  // The other workers leave, so w3 takes the job.
  await Promise.all(stack.workers.filter((x) => x !== w).map((x) => x.stop()));
  const res = await call(stack.api.url, "POST", "/train", { dataset_path: "churn.csv", target_column: "Churn", algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 60 } });
  const id = res.body.job_id;
  for (let i = 0; i < 300 && !startedJobs(w).includes(id); i++) await new Promise((r) => setTimeout(r, 100));
  expect(startedJobs(w)).toContain(id);
  const code = await w.stop("SIGTERM");
  expect(code).toBe(0);
  const job = await call(stack.api.url, "GET", `/jobs/${id}`);
  expect(job.body.state).toBe("completed");
  expect(w.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(["worker shutting down", "train finished", "worker stopped"]));
}, 120_000);
