import { call, type Proc } from "../support/stack";
import { FaultStack, sleep, smallStudy, smallTrain } from "./fault-stack";

let stack: FaultStack;
beforeAll(async () => void (stack = await FaultStack.start(2)), 60_000);
afterAll(() => stack?.teardown(), 60_000);

/** Whether a worker's logs show it running a trial (its row taken, not finished yet). */
function runsATrial(worker: Proc): boolean {
  const ended = new Set(worker.logs.filter((l) => /^trial (finished|failed)$/.test(l.msg)).map((l) => l.jobId));
  return worker.logs.some((l) => l.msg === "trial attempt" && !ended.has(l.jobId));
}

it("SIGKILLed workers, replaced every few seconds, lose no train job and no trial, and duplicate none", async () => {
  // Trials long enough (a forest of 200-400 trees on churn, about half a second each) to be running when workers die.
  const study = await call(stack.url, "POST", "/optimize", {
    ...smallStudy(16), dataset_path: "churn.csv", target_column: "Churn", cv_folds: 3,
    search_space: { n_estimators: { type: "int", low: 200, high: 400 }, max_depth: { type: "int", low: 4, high: 10 } },
  });
  expect(study.status).toBe(202);
  const jobIds = [study.body.job_id as string];

  // Ten rounds: enqueue 3 train jobs, wait 2 s, SIGKILL a worker (one running a trial, when one
  // is) and start another in its place. Jobs keep arriving while workers die, however fast this
  // machine runs them.
  const interrupted: number[] = [];
  for (let round = 0; round < 10; round++) {
    for (let i = 3 * round; i < 3 * round + 3; i++) {
      const res = await call(stack.url, "POST", "/train", smallTrain(i));
      expect(res.status).toBe(202);
      jobIds.push(res.body.job_id);
    }
    await sleep(2000);
    const victim = stack.workers.find(runsATrial) ?? stack.workers[round % stack.workers.length]!;
    await stack.killWorker(victim);
    // Its trials still running in Postgres are the ones the kill interrupted (the logs may lag).
    const rows = await stack.query<{ number: number }>(`SELECT number FROM $schema.trials WHERE state = 'running' AND worker_id = $1`, [stack.workerIds.get(victim)]);
    interrupted.push(...rows.map((r) => r.number));
    await stack.addWorker();
  }
  await stack.readyWithin(5000);
  await stack.expectAllSettledCleanly(jobIds, [{ id: study.body.study_id, nTrials: 16 }]);
  // A trial killed with its worker ran again under the same number (its row counts the attempts).
  expect(interrupted.length).toBeGreaterThan(0);
  const trials = (await call(stack.url, "GET", `/studies/${study.body.study_id}`)).body.trials as { number: number; attempts: number; state: string }[];
  for (const number of interrupted) {
    const row = trials.find((t) => t.number === number)!;
    expect(row.state).toBe("complete");
    expect(row.attempts).toBeGreaterThan(1);
  }
  console.log(`worker kills: 10 SIGKILLs, ${interrupted.length} trials interrupted`);
}, 300_000);
