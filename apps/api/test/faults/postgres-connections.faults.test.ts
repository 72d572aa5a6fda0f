import { call } from "../support/stack";
import { FaultStack, sleep, smallStudy, smallTrain } from "./fault-stack";

let stack: FaultStack;
beforeAll(async () => void (stack = await FaultStack.start(2)), 60_000);
afterAll(() => stack?.teardown(), 60_000);

it("every Postgres connection of the service terminated mid-job loses no job and duplicates none", async () => {
  const study = await call(stack.url, "POST", "/optimize", smallStudy(8));
  expect(study.status).toBe(202);
  const jobIds = [study.body.job_id as string];
  for (let i = 0; i < 12; i++) jobIds.push((await call(stack.url, "POST", "/train", smallTrain(i))).body.job_id);

  // Once trials are running, terminate the service's connections (found by application_name,
  // nobody else's) three times, 2 s apart.
  const trialRunning = () => stack.workers.some((w) => w.logs.some((l) => l.msg === "trial attempt"));
  for (let i = 0; i < 300 && !trialRunning(); i++) await sleep(100);
  expect(trialRunning()).toBe(true);
  let terminated = 0;
  for (let round = 0; round < 3; round++) {
    terminated += await stack.terminateConnections();
    await sleep(2000);
  }
  expect(terminated).toBeGreaterThan(0);

  const ms = await stack.readyWithin(5000);
  await stack.expectAllSettledCleanly(jobIds, [{ id: study.body.study_id, nTrials: 8 }]);
  expect(stack.crashed()).toEqual([]); // the API and the workers rode it out
  console.log(`postgres: ${terminated} connections terminated; /health/ready 200 ${ms} ms after the last`);
}, 300_000);
