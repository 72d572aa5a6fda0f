import { call } from "../support/stack";
import { FaultStack, sleep, smallTrain } from "./fault-stack";

let stack: FaultStack;
beforeAll(async () => void (stack = await FaultStack.start(1)), 60_000);
afterAll(() => stack?.teardown(), 60_000);

/**
 * A client of `POST /train?wait=60` as a real one is written: one Idempotency-Key for the request,
 * and on a dropped connection, a 5xx or a 202 (still running) it asks again with the same key.
 */
async function trainAndWait(body: Record<string, unknown>, key: string): Promise<{ body: any; retries: number }> {
  for (let retries = 0; ; retries++) {
    const res = await call(stack.url, "POST", "/train?wait=60", body, { headers: { "idempotency-key": key } }).catch(() => undefined);
    if (res?.status === 200) return { body: res.body, retries };
    if (res && res.status !== 202 && res.status < 500) throw new Error(`POST /train answered ${res.status}: ${JSON.stringify(res.body)}`);
    await sleep(250);
  }
}

it("the API SIGKILLed and restarted while clients wait in POST /train?wait= gives each client its one model", async () => {
  const requests = [0, 1, 2, 3].map((i) => ({ ...smallTrain(i), algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 200, n_jobs: 1 } }));
  const clients = requests.map((body, i) => trainAndWait(body, `faults-api-restart-${stack.iso.prefix}-${i}`));

  // Once every request is enqueued (the one worker runs them one by one), the API dies for 1 s.
  const enqueued = () => stack.api.logs.filter((l) => l.msg === "train enqueued").length;
  for (let i = 0; i < 300 && enqueued() < requests.length; i++) await sleep(100);
  expect(enqueued()).toBe(requests.length);
  await stack.api.kill();
  await sleep(1000);
  const restarted = Date.now();
  await stack.startApi();
  const ms = Date.now() - restarted + (await stack.readyWithin(5000));

  const answers = await Promise.all(clients);
  expect(answers.every((a) => a.body.success === true)).toBe(true);
  expect(answers.some((a) => a.retries > 0)).toBe(true); // the kill reached at least one waiting client
  const models = await stack.query<{ id: string; job_id: string }>(`SELECT id, job_id FROM $schema.models`);
  expect(models.map((m) => m.id).sort()).toEqual(answers.map((a) => a.body.model_id).sort()); // one model per request
  expect(new Set(models.map((m) => m.job_id)).size).toBe(requests.length);
  expect(stack.crashed()).toEqual([]);
  console.log(`api restart: ${answers.map((a) => a.retries).join("/")} retries per client; /health/ready 200 ${ms} ms after the restart began`);
}, 300_000);
