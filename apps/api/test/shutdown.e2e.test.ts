import { Pool } from "pg";
import { call, DATABASE_URL, groupGone, pollJob, processGroup, startWorker, useStack, type Proc } from "./support/stack";

// Short locks so that a handed-back job is taken by the next worker within seconds.
const fast = { JOB_LOCK_MS: "4000", STALLED_INTERVAL_MS: "2000" };
const SHUTDOWN_TIMEOUT_MS = 1000;
const stack = useStack({ workers: 0 });

const startedJobs = (w: Proc): string[] => w.logs.filter((l) => l.msg === "train started").map((l) => l.jobId);
const finishedJobs = (w: Proc): string[] => w.logs.filter((l) => l.msg === "train finished").map((l) => l.jobId);

/** Whether any process of `w`'s process group (the worker and its sandbox children) is alive. */
function groupAlive(w: Proc): boolean {
  try {
    process.kill(-w.child.pid!, 0);
    return true;
  } catch {
    return false;
  }
}

it("a worker stopped with SIGTERM hands a job that outlasts SHUTDOWN_TIMEOUT_MS back, and the next worker completes it", async () => {
  const w1 = await startWorker(stack.iso.env, { ...fast, WORKER_ID: "w1", SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) });
  stack.workers.push(w1);
  // Long enough (several seconds on one core) to be running well after the shutdown deadline.
  const res = await call(stack.api.url, "POST", "/train", { dataset_path: "churn.csv", target_column: "Churn", algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 1200 } });
  expect(res.status).toBe(202);
  const id: string = res.body.job_id;
  for (let i = 0; i < 200 && !startedJobs(w1).includes(id); i++) await new Promise((r) => setTimeout(r, 50));
  expect(startedJobs(w1)).toContain(id);

  const t0 = Date.now();
  const code = await w1.stop("SIGTERM");
  const elapsed = Date.now() - t0;
  expect(code).toBe(0);
  expect(elapsed).toBeGreaterThanOrEqual(SHUTDOWN_TIMEOUT_MS - 50); // it did wait for the job...
  expect(elapsed).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 3000); // ...but not until the job was done
  const msgs = w1.logs.map((l) => l.msg);
  expect(msgs).toEqual(expect.arrayContaining(["worker shutting down", "active jobs did not finish in time; handing them back", "worker stopped"]));
  expect(finishedJobs(w1)).not.toContain(id);
  expect((await call(stack.api.url, "GET", `/jobs/${id}`)).body.state).not.toBe("completed");
  // The sandboxed fit went down with its worker: nothing of w1 is left to save a model later.
  for (let i = 0; i < 40 && groupAlive(w1); i++) await new Promise((r) => setTimeout(r, 50));
  expect(groupAlive(w1)).toBe(false);

  const w2 = await startWorker(stack.iso.env, { ...fast, WORKER_ID: "w2" });
  stack.workers.push(w2);
  const job = await pollJob(stack.api.url, id, 90_000);
  expect(job.state).toBe("completed");
  expect(startedJobs(w2)).toContain(id);
  expect(finishedJobs(w2)).toContain(id);

  const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    const { rows } = await pool.query(`SELECT id FROM "${stack.iso.schema}".models WHERE job_id = $1`, [id]);
    expect(rows.map((r) => r.id)).toEqual([job.result.model_id]); // one model, the one the job answers
  } finally {
    await pool.end();
  }
}, 150_000);

it("a worker killed on its own (SIGKILL to its pid only) takes its busy sandbox down with it", async () => {
  const w = await startWorker(stack.iso.env, { ...fast, WORKER_ID: "w3" });
  stack.workers.push(w);
  // The other workers leave, so w3 takes the job.
  await Promise.all(stack.workers.filter((x) => x !== w).map((x) => x.stop()));
  // A fit of several seconds, so the sandbox is busy fitting when its worker dies.
  const res = await call(stack.api.url, "POST", "/train", { dataset_path: "churn.csv", target_column: "Churn", algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 1200 } });
  const id: string = res.body.job_id;
  for (let i = 0; i < 200 && !startedJobs(w).includes(id); i++) await new Promise((r) => setTimeout(r, 50));
  expect(startedJobs(w)).toContain(id);
  const sandbox = w.logs.find((l) => l.msg === "train started" && l.jobId === id)!.pid;
  expect(sandbox).not.toBe(w.child.pid);

  expect(processGroup(w.child.pid!)).toContain(sandbox);

  process.kill(w.child.pid!, "SIGKILL");
  expect(await groupGone(w.child.pid!, 2000)).toBe(true);
  expect(finishedJobs(w)).not.toContain(id);
}, 60_000);
