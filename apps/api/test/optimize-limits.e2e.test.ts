import { call, pollJob, useStack } from "./support/stack";

const stack = useStack({ workers: 1 });

interface TrialView {
  number: number;
  state: string;
  value: number | null;
  fold_scores: number[];
  duration_ms: number | null;
  started_at: string;
  finished_at: string | null;
}

const getStudy = async (id: string): Promise<any> => (await call(stack.api.url, "GET", `/studies/${id}`)).body;

const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

describe("POST /optimize with a timeout", () => {
  it("stops starting trials after `timeout` seconds and completes with the best so far", async () => {
    const timeout = 3;
    const started = Date.now();
    const res = await call(stack.api.url, "POST", "/optimize", {
      dataset_path: "churn.csv", target_column: "Churn", algorithm: "RandomForestClassifier",
      n_trials: 100, timeout, cv_folds: 3, random_state: 4, n_parallel: 1,
      search_space: { n_estimators: { type: "int", low: 40, high: 80 }, max_depth: { type: "int", low: 8, high: 14 } },
    });
    expect(res.status).toBe(202);
    const job = await pollJob(stack.api.url, res.body.job_id, 120_000);
    const wall = Date.now() - started;
    expect(job.state).toBe("completed");

    const study = await getStudy(res.body.study_id);
    const trials: TrialView[] = study.trials;
    expect(study.state).toBe("complete");
    expect(trials.length).toBeGreaterThan(0);
    expect(trials.length).toBeLessThan(100);
    expect(job.result.n_trials).toBe(trials.length);
    const complete = trials.filter((t) => t.state === "complete");
    expect(complete.length).toBeGreaterThan(0);
    expect(study.best_score).toBe(Math.max(...complete.map((t) => t.value!)));
    expect(job.result.best_score).toBe(study.best_score);
    expect(study.best_params).toEqual(job.result.best_params);

    // No trial was created after the deadline; the study then only waited for the trial in flight.
    // started_at is stamped when a worker takes the trial, a queue hop after the coordinator made
    // it (before the deadline): up to a second of slack for that hop.
    const deadline = Date.parse(study.created_at) + timeout * 1000;
    for (const t of trials) expect(Date.parse(t.started_at)).toBeLessThanOrEqual(deadline + 1000);
    const longest = Math.max(...trials.map((t) => t.duration_ms ?? 0));
    expect(Date.parse(study.finished_at)).toBeLessThan(deadline + longest + 2000);
    expect(wall).toBeLessThan(timeout * 1000 + longest + 5000);
  }, 150_000);
});

describe("a minimised metric", () => {
  /**
   * Runs a study with the median pruner, one trial at a time (so trial k's "earlier trials" are
   * exactly trials 0..k-1), and checks the best trial and every pruning decision from the trials.
   */
  async function checkMinimised(body: object, metric: string): Promise<void> {
    const res = await call(stack.api.url, "POST", "/optimize?wait=150", { ...body, metric, n_trials: 14, cv_folds: 4, n_parallel: 1, pruner: "median" });
    expect(res.status).toBe(200);
    const study = await getStudy(res.body.study_id);
    expect(study).toMatchObject({ state: "complete", metric, direction: "minimize", pruner: "median" });
    const trials: TrialView[] = study.trials;
    const complete = trials.filter((t) => t.state === "complete");
    expect(complete.length).toBeGreaterThan(1);

    // best = the LOWEST mean fold score
    const lowest = Math.min(...complete.map((t) => t.value!));
    expect(Math.max(...complete.map((t) => t.value!))).toBeGreaterThan(lowest); // the direction matters here
    expect(study.best_score).toBe(lowest);
    expect(res.body.best_score).toBe(lowest);
    expect(study.best_trial.value).toBe(lowest);
    expect(study.best_params).toEqual(study.best_trial.params);

    // Optuna's MedianPruner: once 5 trials are complete, a trial is pruned after fold f exactly
    // when its best (lowest) score so far is HIGHER than the median of the complete trials' scores
    // at fold f (one at a time, those are the earlier complete ones); never after the last fold.
    const pruned = trials.filter((t) => t.state === "pruned");
    expect(pruned.length).toBeGreaterThan(0);
    for (const t of trials) {
      if (t.state !== "complete" && t.state !== "pruned") continue;
      const decisions = t.fold_scores.slice(0, 3).map((_, f) => {
        const earlier = trials.filter((e) => e.number < t.number && e.state === "complete").map((e) => e.fold_scores[f]!);
        return earlier.length >= 5 && Math.min(...t.fold_scores.slice(0, f + 1)) > median(earlier);
      });
      const expected = t.state === "pruned" ? [...Array(t.fold_scores.length - 1).fill(false), true] : Array(t.fold_scores.length - 1).fill(false);
      expect([t.number, t.state, decisions]).toEqual([t.number, t.state, expected]);
      if (t.state === "pruned") expect(t.value).toBeNull();
      else expect(t.fold_scores).toHaveLength(4);
    }
  }

  it("rmse for a regressor: the best trial has the lowest rmse, and the median pruner prunes the higher ones", async () => {
    await checkMinimised({
      // an algorithm without a budget, so that a step is a fold
      dataset_path: "diabetes.csv", target_column: "progression", algorithm: "Ridge", random_state: 6,
      search_space: { alpha: { type: "float", low: 1e-3, high: 1e3, log: true } },
    }, "rmse");
  }, 200_000);

  it("log_loss for a classifier with probabilities: the same, with the lowest log loss", async () => {
    await checkMinimised({
      dataset_path: "wine.csv", target_column: "cultivar", algorithm: "LogisticRegression", random_state: 7,
      search_space: { C: { type: "float", low: 1e-4, high: 10, log: true } },
    }, "log_loss");
  }, 200_000);
});
