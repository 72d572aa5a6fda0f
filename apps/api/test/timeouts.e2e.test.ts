import { Pool } from "pg";
import { call, DATABASE_URL, groupGone, pollJob, processGroup, useStack, type Proc } from "./support/stack";

// One worker whose limits are tiny: 1 s for a train job, 2 s for a trial.
const stack = useStack({ workers: 1, workerEnv: () => ({ WORKER_ID: "w1", JOB_TIMEOUT_S: "1", TRIAL_TIMEOUT_S: "2" }) });
const worker = (): Proc => stack.workers[0]!;

/** Waits up to 3 s for sandbox `pid` of the worker to be gone; answers whether it is. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 60 && processGroup(worker().child.pid!).includes(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !processGroup(worker().child.pid!).includes(pid);
}
const stopped = (jobId: string): Record<string, any> | undefined => worker().logs.find((l) => l.msg === "job stopped, sandbox killed" && l.jobId === jobId);

it("fails a train job past JOB_TIMEOUT_S with JOB_TIMEOUT after one attempt, kills its sandbox, saves no model, and the worker goes on serving", async () => {
  // About 11 s of fitting on one core: far past the limit.
  const res = await call(stack.api.url, "POST", "/train", { dataset_path: "churn.csv", target_column: "Churn", algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 1500 } });
  expect(res.status).toBe(202);
  const id: string = res.body.job_id;
  const job = await pollJob(stack.api.url, id, 60_000);
  expect(job).toMatchObject({
    state: "failed",
    attempts: 1,
    error: { code: "JOB_TIMEOUT", status: 504, message: "The train job ran longer than its limit of 1 s (JOB_TIMEOUT_S) and was stopped." },
  });
  const started = worker().logs.find((l) => l.msg === "train started" && l.jobId === id);
  expect(started).toBeDefined();
  expect(Date.parse(job.finished_at) - Date.parse(started!.time)).toBeLessThan(3000); // stopped at the limit, not when the fit ended
  expect(worker().logs.some((l) => l.msg === "train finished" && l.jobId === id)).toBe(false);
  const { pid } = stopped(id)!;
  expect(await gone(pid)).toBe(true);

  const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    const { rows } = await pool.query(`SELECT id FROM "${stack.iso.schema}".models WHERE job_id = $1`, [id]);
    expect(rows).toEqual([]);
  } finally {
    await pool.end();
  }

  const next = await call(stack.api.url, "POST", "/train", { dataset_path: "iris.csv", target_column: "species", algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 10 } });
  expect(await pollJob(stack.api.url, next.body.job_id)).toMatchObject({ state: "completed", attempts: 1 });
  expect(worker().logs.some((l) => l.msg === "train finished" && l.jobId === next.body.job_id)).toBe(true);
}, 90_000);

it("fails a trial past TRIAL_TIMEOUT_S with JOB_TIMEOUT, and the study goes on", async () => {
  const res = await call(stack.api.url, "POST", "/optimize", {
    dataset_path: "churn.csv", target_column: "Churn", algorithm: "RandomForestClassifier",
    n_trials: 6, cv_folds: 2, random_state: 1, n_parallel: 1,
    search_space: { n_estimators: { type: "categorical", choices: [5, 1500] } },
  });
  expect(res.status).toBe(202);
  const job = await pollJob(stack.api.url, res.body.job_id, 120_000);
  expect(job.state).toBe("completed");
  const study = (await call(stack.api.url, "GET", `/studies/${res.body.study_id}`)).body;
  expect(study.state).toBe("complete");
  const trials: any[] = study.trials;
  expect(trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5]);
  const slow = trials.filter((t) => t.params.n_estimators === 1500);
  const fast = trials.filter((t) => t.params.n_estimators === 5);
  // The seed gives both kinds, and a fast trial after a slow one: the study went on.
  expect(slow.length).toBeGreaterThan(0);
  expect(fast.some((t) => t.number > slow[0].number)).toBe(true);
  for (const t of slow) {
    expect(t).toMatchObject({ state: "failed", value: null, attempts: 1, error: "JOB_TIMEOUT: The trial job ran longer than its limit of 2 s (TRIAL_TIMEOUT_S) and was stopped." });
    const log = stopped(`trial-${res.body.study_id}-${t.number}`);
    expect(log).toMatchObject({ code: "JOB_TIMEOUT" });
    expect(await gone(log!.pid)).toBe(true);
  }
  for (const t of fast) expect(t.state).toBe("complete");
  expect(job.result.best_score).toBe(Math.max(...fast.map((t) => t.value)));
}, 150_000);

it("keeps one warm sandbox after the kills, and none outlives the worker", async () => {
  const w = worker();
  const sandboxes = processGroup(w.child.pid!).filter((pid) => pid !== w.child.pid);
  // The jobs ran one at a time, so one sandbox served them all: each killed one was replaced, no more.
  expect(sandboxes).toHaveLength(1);
  expect(await w.stop("SIGTERM")).toBe(0);
  expect(await groupGone(w.child.pid!, 2000)).toBe(true);
});
