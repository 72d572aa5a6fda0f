import { PrivateRedis } from "./support/private-redis";
import { call, isolate, startApi, type Isolation, type Proc } from "./support/stack";

let redis: PrivateRedis;
let iso: Isolation;
let api: Proc & { url: string };

beforeAll(async () => {
  redis = await PrivateRedis.start();
  iso = isolate({ REDIS_URL: redis.url });
  api = await startApi(iso.env);
}, 60_000);

afterAll(async () => {
  await api?.stop();
  await redis?.destroy();
  await iso?.cleanup();
});

it("GET /health answers 503 naming Redis while its Redis is down, and 200 once it is back", async () => {
  const up = await call(api.url, "GET", "/health");
  expect(up.status).toBe(200);
  expect(up.body).toMatchObject({ status: "ok", redis: "ok", postgres: "ok" });

  await redis.kill();
  const down = await call(api.url, "GET", "/health");
  expect(down.status).toBe(503);
  expect(down.body).toMatchObject({ status: "degraded", redis: expect.stringMatching(/^down/), postgres: "ok" });
  expect(api.child.exitCode).toBeNull(); // the API stays up to say so

  await redis.restart();
  let again = await call(api.url, "GET", "/health");
  for (let i = 0; i < 60 && again.status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 250));
    again = await call(api.url, "GET", "/health");
  }
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ status: "ok", redis: "ok", postgres: "ok" });
}, 60_000);

it("GET /health/ready answers 503 naming Redis while it is down, and 200 after; /health/live answers throughout", async () => {
  const ready = await call(api.url, "GET", "/health/ready", undefined, { key: null });
  expect(ready.status).toBe(200);
  expect(ready.body).toEqual({ status: "ready", redis: "ok", postgres: "ok", migrations: "ok" });

  await redis.kill();
  const down = await call(api.url, "GET", "/health/ready", undefined, { key: null });
  expect(down.status).toBe(503);
  expect(down.body).toMatchObject({ status: "not ready", redis: expect.stringMatching(/^down/), postgres: "ok" });
  expect((await call(api.url, "GET", "/health/live", undefined, { key: null })).status).toBe(200);

  await redis.restart();
  let again = await call(api.url, "GET", "/health/ready", undefined, { key: null });
  for (let i = 0; i < 60 && again.status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 250));
    again = await call(api.url, "GET", "/health/ready", undefined, { key: null });
  }
  expect(again.status).toBe(200);
}, 60_000);
