import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { call, isolate, startApi, type Isolation, type Proc } from "./support/stack";

/** A free TCP port on 127.0.0.1 (free when asked; redis-server takes it right after). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A throwaway redis-server of this test's own (never the shared one), ready to answer. */
function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
    child.stdout!.on("data", (d) => {
      out += d;
      if (out.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${out}`));
    });
  });
}

function stopRedis(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

let port: number;
let redis: ChildProcess | undefined;
let iso: Isolation;
let api: Proc & { url: string };

beforeAll(async () => {
  port = await freePort();
  redis = await startRedis(port);
  iso = isolate({ REDIS_URL: `redis://127.0.0.1:${port}` });
  api = await startApi(iso.env);
}, 60_000);

afterAll(async () => {
  await api?.stop();
  if (redis) await stopRedis(redis);
  await iso?.cleanup();
});

it("GET /health answers 503 naming Redis while its Redis is down, and 200 once it is back", async () => {
  const up = await call(api.url, "GET", "/health");
  expect(up.status).toBe(200);
  expect(up.body).toMatchObject({ status: "ok", redis: "ok", postgres: "ok" });

  await stopRedis(redis!);
  const down = await call(api.url, "GET", "/health");
  expect(down.status).toBe(503);
  expect(down.body).toMatchObject({ status: "degraded", redis: expect.stringMatching(/^down/), postgres: "ok" });
  expect(api.child.exitCode).toBeNull(); // the API stays up to say so

  redis = await startRedis(port);
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

  await stopRedis(redis!);
  const down = await call(api.url, "GET", "/health/ready", undefined, { key: null });
  expect(down.status).toBe(503);
  expect(down.body).toMatchObject({ status: "not ready", redis: expect.stringMatching(/^down/), postgres: "ok" });
  expect((await call(api.url, "GET", "/health/live", undefined, { key: null })).status).toBe(200);

  redis = await startRedis(port);
  let again = await call(api.url, "GET", "/health/ready", undefined, { key: null });
  for (let i = 0; i < 60 && again.status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 250));
    again = await call(api.url, "GET", "/health/ready", undefined, { key: null });
  }
  expect(again.status).toBe(200);
}, 60_000);
