import { call } from "../support/stack";
import { FaultStack, sleep, smallStudy, smallTrain } from "./fault-stack";

let stack: FaultStack;
beforeAll(async () => void (stack = await FaultStack.start(2)), 60_000);
afterAll(() => stack?.teardown(), 60_000);

it("a Redis killed and restarted (append-only file on) with jobs waiting and running loses none of them", async () => {
  const study = await call(stack.url, "POST", "/optimize", smallStudy(8));
  expect(study.status).toBe(202);
  const jobIds = [study.body.job_id as string];
  for (let i = 0; i < 12; i++) jobIds.push((await call(stack.url, "POST", "/train", smallTrain(i))).body.job_id);

  // Once jobs are running (and others still wait), Redis dies for 3 s.
  const running = () => stack.workers.some((w) => w.logs.some((l) => l.msg === "train started"));
  for (let i = 0; i < 300 && !running(); i++) await sleep(100);
  expect(running()).toBe(true);
  const states = await Promise.all(jobIds.map(async (id) => (await call(stack.url, "GET", `/jobs/${id}`)).body.state));
  expect(states).toContain("waiting");
  await stack.redis.kill();
  await sleep(3000);
  expect((await call(stack.url, "GET", "/health/ready", undefined, { key: null })).status).toBe(503);
  await stack.redis.restart();

  const ms = await stack.readyWithin(5000);
  await stack.expectAllSettledCleanly(jobIds, [{ id: study.body.study_id, nTrials: 8 }]);
  expect(stack.crashed()).toEqual([]); // the API and the workers rode it out
  console.log(`redis restart: /health/ready 200 ${ms} ms after Redis was back`);
}, 300_000);
