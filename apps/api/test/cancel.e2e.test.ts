import { ADMIN_KEY, call, pollJob, useStack } from "./support/stack";
import { readEvents } from "./support/sse";

// One worker, one train and one trial at a time: a second job waits while the first runs.
const stack = useStack({ workers: 1, workerEnv: () => ({ WORKER_ID: "w1", WORKER_CONCURRENCY: "1", TRIAL_CONCURRENCY: "1" }) });

const url = (): string => stack.api.url;
const get = async (path: string): Promise<any> => (await call(url(), "GET", path)).body;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `GET path` until `done(body)` holds (or throws after `ms`). */
async function until(path: string, done: (body: any) => boolean, ms = 30_000): Promise<any> {
  for (const deadline = Date.now() + ms; ; await sleep(100)) {
    const body = await get(path);
    if (done(body)) return body;
    if (Date.now() > deadline) throw new Error(`${path} never got there: ${JSON.stringify(body).slice(0, 500)}`);
  }
}

// About 8 s per CV fold of 1,500 trees on churn: a trial or a train that is certainly still running when cancelled.
const SLOW_TREES = 1500;
const churn = { dataset_path: "churn.csv", target_column: "Churn", algorithm: "RandomForestClassifier" };
const irisTrain = { dataset_path: "iris.csv", target_column: "species", algorithm: "RandomForestClassifier" };
const iris = { ...irisTrain, cv_folds: 2 };
const irisSpace = { n_estimators: { type: "int", low: 3, high: 8 }, max_depth: { type: "int", low: 1, high: 4 } };

describe("POST /studies/{id}/cancel", () => {
  let studyId: string;
  let jobId: string;

  it("stops a running study at once: running trials fail with CANCELLED, none starts after, its best so far is kept, its job fails unretried", async () => {
    // Trial 0 is quick (it completes: a best so far); the sampler then picks quick or slow ones.
    const res = await call(url(), "POST", "/optimize", {
      ...churn, n_trials: 20, n_parallel: 2, cv_folds: 2, sampler: "random", random_state: 3,
      search_space: { n_estimators: { type: "categorical", choices: [3, SLOW_TREES] } },
      initial_trials: [{ params: { n_estimators: 3 } }],
    });
    expect(res.status).toBe(202);
    ({ study_id: studyId, job_id: jobId } = res.body);
    // a slow trial whose attempt has started in a sandbox (attempts 1): one still queued behind
    // another slow trial may start just as the cancel fails its row, and then ends skipped
    const started = (t: any) => t.state === "running" && t.params.n_estimators === SLOW_TREES && t.attempts >= 1;
    const before = await until(`/studies/${studyId}`, (s) => s.trials.some((t: any) => t.state === "complete") && s.trials.some(started));
    const slow = before.trials.find(started);
    await until(`/jobs/trial-${studyId}-${slow.number}`, (j) => j.state === "active");

    const asked = Date.now();
    const cancelled = await call(url(), "POST", `/studies/${studyId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ study_id: studyId, state: "cancelled" });
    expect(cancelled.body.cancelled_trials).toContain(slow.number);

    const study = await until(`/studies/${studyId}`, (s) => s.state === "cancelled", 10_000);
    expect(Date.now() - asked).toBeLessThan(10_000);
    const trials: any[] = study.trials;
    expect(trials.filter((t) => t.state === "running")).toEqual([]);
    const failed = trials.filter((t) => cancelled.body.cancelled_trials.includes(t.number));
    for (const t of failed) expect([t.number, t.state, t.error]).toEqual([t.number, "failed", expect.stringMatching(/^CANCELLED: /)]);
    const complete = trials.filter((t) => t.state === "complete");
    expect(complete.length).toBeGreaterThan(0);
    const best = complete.reduce((a, b) => (b.value > a.value ? b : a));
    expect(study).toMatchObject({ best_score: best.value, best_params: best.params, best_trial: { number: best.number } });

    // Its coordinator fails with CANCELLED and the best so far, once; the killed trial's job too.
    const job = await pollJob(url(), jobId, 10_000);
    expect(job).toMatchObject({ state: "failed", attempts: 1, error: { code: "CANCELLED", status: 499, details: { study_id: studyId, best_score: best.value, best_params: best.params, best_trial_number: best.number } } });
    expect(Date.parse(job.finished_at) - asked).toBeLessThan(10_000);
    const trialJob = await pollJob(url(), `trial-${studyId}-${slow.number}`, 10_000);
    expect(trialJob).toMatchObject({ state: "failed", error: { code: "CANCELLED", status: 499, message: "The trial job was cancelled: its study was cancelled" } });
    expect(Date.parse(trialJob.finished_at) - asked).toBeLessThan(5000);
    expect(stack.workers[0]!.logs.some((l) => l.msg === "job stopped, sandbox killed" && l.jobId === `trial-${studyId}-${slow.number}`)).toBe(true);

    // No trial starts after the cancel.
    await sleep(1000);
    expect((await get(`/studies/${studyId}`)).trials).toHaveLength(trials.length);
  }, 90_000);

  it("answers 409 STUDY_FINISHED for a study that is not running, and 404 for an unknown one", async () => {
    const again = await call(url(), "POST", `/studies/${studyId}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "STUDY_FINISHED", details: { state: "cancelled" } });
    const unknown = await call(url(), "POST", "/studies/study-0000000000000000/cancel");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("STUDY_NOT_FOUND");
  });

  it("continues a cancelled study after its trials, and POST /jobs/{id}/cancel on its new job cancels it again", async () => {
    const existing = (await get(`/studies/${studyId}`)).trials.length;
    const res = await call(url(), "POST", `/studies/${studyId}/trials`, { n_trials: 5 });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ study_id: studyId, job_id: expect.stringMatching(/^optimize-/), status_url: `/jobs/${res.body.job_id}` });
    expect(res.body.job_id).not.toBe(jobId);
    expect(await get(`/studies/${studyId}`)).toMatchObject({ state: "running", n_trials: existing + 5, job_id: res.body.job_id, finished_at: null });
    const running = await until(`/studies/${studyId}`, (s) => s.trials.some((t: any) => t.number >= existing && t.state === "running"));
    expect(running.trials.map((t: any) => t.number)).toEqual([...Array(running.trials.length).keys()]);

    const cancel = await call(url(), "POST", `/jobs/${res.body.job_id}/cancel`);
    expect([200, 202]).toContain(cancel.status);
    expect(cancel.body.job_id).toBe(res.body.job_id);
    const study = await until(`/studies/${studyId}`, (s) => s.state === "cancelled", 10_000);
    expect(study.trials.filter((t: any) => t.state === "running")).toEqual([]);
    expect(study.trials.length).toBeLessThanOrEqual(existing + 5);
    expect(await pollJob(url(), res.body.job_id, 10_000)).toMatchObject({ state: "failed", error: { code: "CANCELLED" } });
  }, 60_000);
});

describe("POST /studies/{id}/trials", () => {
  it("adds exactly n trials, numbered after the others, proposed as one longer study would have", async () => {
    const request = { ...iris, search_space: irisSpace, n_parallel: 1, random_state: 11 };
    const whole = await call(url(), "POST", "/optimize?wait=120", { ...request, n_trials: 5 });
    expect(whole.status).toBe(200);
    const first = await call(url(), "POST", "/optimize?wait=120", { ...request, n_trials: 3 });
    expect(first.status).toBe(200);
    const id: string = first.body.study_id;

    const more = await call(url(), "POST", `/studies/${id}/trials?wait=120`, { n_trials: 2 });
    expect(more.status).toBe(200);
    expect(more.body).toMatchObject({ success: true, study_id: id, n_trials: 5 });
    const study = await get(`/studies/${id}`);
    expect(study).toMatchObject({ state: "complete", n_trials: 5, trials_done: 5 });
    expect(study.trials.map((t: any) => t.number)).toEqual([0, 1, 2, 3, 4]);
    const reference = (await get(`/studies/${whole.body.study_id}`)).trials;
    expect(study.trials.map((t: any) => [t.params, t.value])).toEqual(reference.map((t: any) => [t.params, t.value]));
  }, 120_000);

  it("refuses a running study (409), a covered grid (409), a bad n_trials (400) and an unknown study (404)", async () => {
    const grid = await call(url(), "POST", "/optimize?wait=60", { ...iris, n_trials: 10, sampler: "grid", search_space: { n_estimators: { type: "int", low: 3, high: 4 } } });
    expect(grid.status).toBe(200);
    const covered = await call(url(), "POST", `/studies/${grid.body.study_id}/trials`, { n_trials: 1 });
    expect(covered.status).toBe(409);
    expect(covered.body.error.code).toBe("SEARCH_SPACE_EXHAUSTED");

    const slow = await call(url(), "POST", "/optimize", { ...churn, n_trials: 2, cv_folds: 2, search_space: { n_estimators: { type: "categorical", choices: [SLOW_TREES] } } });
    const running = await call(url(), "POST", `/studies/${slow.body.study_id}/trials`, { n_trials: 1 });
    expect(running.status).toBe(409);
    expect(running.body.error.code).toBe("STUDY_RUNNING");
    expect((await call(url(), "POST", `/studies/${slow.body.study_id}/cancel`)).status).toBe(200);

    for (const body of [{}, { n_trials: 0 }, { n_trials: 1.5 }, { n_trials: 101 }]) {
      const bad = await call(url(), "POST", `/studies/${grid.body.study_id}/trials`, body);
      expect([JSON.stringify(body), bad.status, bad.body.error.code]).toEqual([JSON.stringify(body), 400, "VALIDATION_ERROR"]);
      expect(bad.body.error.message).toMatch(/n_trials/);
    }
    const unknown = await call(url(), "POST", "/studies/study-0000000000000000/trials", { n_trials: 1 });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("STUDY_NOT_FOUND");
    await pollJob(url(), slow.body.job_id, 10_000);
  }, 90_000);
});

describe("POST /jobs/{id}/cancel", () => {
  it("fails a waiting train job at once, stops a running one within seconds (its SSE stream ends failed), and the worker goes on", async () => {
    const running = await call(url(), "POST", "/train", { ...churn, hyperparams: { n_estimators: SLOW_TREES } });
    expect(running.status).toBe(202);
    const id: string = running.body.job_id;
    // Fitting in its sandbox (not waiting for one).
    for (let i = 0; i < 300 && !stack.workers[0]!.logs.some((l) => l.msg === "train started" && l.jobId === id); i++) await sleep(100);
    const waiting = await call(url(), "POST", "/train", { ...irisTrain, hyperparams: { n_estimators: 5 } });
    expect((await get(`/jobs/${waiting.body.job_id}`)).state).toBe("waiting");

    const dropped = await call(url(), "POST", `/jobs/${waiting.body.job_id}/cancel`);
    expect(dropped.status).toBe(200);
    expect(dropped.body).toMatchObject({ job_id: waiting.body.job_id, state: "failed", error: { code: "CANCELLED", status: 499, message: "The train job was cancelled: requested by MLW_ADMIN_KEY" } });

    const events = readEvents(`${url()}/jobs/${id}/events`, ADMIN_KEY);
    await sleep(300);
    const asked = Date.now();
    const cancel = await call(url(), "POST", `/jobs/${id}/cancel`);
    expect(cancel.status).toBe(202);
    expect(cancel.body).toMatchObject({ job_id: id, status_url: `/jobs/${id}` });
    const job = await pollJob(url(), id, 10_000);
    expect(Date.now() - asked).toBeLessThan(5000);
    expect(job).toMatchObject({ state: "failed", attempts: 1, error: { code: "CANCELLED", status: 499, message: "The train job was cancelled: requested by MLW_ADMIN_KEY" } });
    const stream = await events;
    expect(stream.events.at(-1)).toEqual({ event: "failed", data: { job_id: id, error: job.error } });
    expect(stack.workers[0]!.logs.some((l) => l.msg === "job stopped, sandbox killed" && l.jobId === id)).toBe(true);
    expect(stack.workers[0]!.logs.some((l) => l.msg === "train finished" && l.jobId === id)).toBe(false);

    const next = await call(url(), "POST", "/train", { ...irisTrain, hyperparams: { n_estimators: 5 } });
    expect(await pollJob(url(), next.body.job_id, 30_000)).toMatchObject({ state: "completed" });

    const again = await call(url(), "POST", `/jobs/${id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "JOB_FINISHED", message: `Job ${id} has already failed: there is nothing to cancel.`, details: { state: "failed" } });
    const unknown = await call(url(), "POST", "/jobs/train-00000000-0000-4000-8000-000000000000/cancel");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("JOB_NOT_FOUND");
  }, 60_000);
});
