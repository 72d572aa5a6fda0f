import { spawnSync } from "node:child_process";
import path from "node:path";
import { isolate } from "./support/stack";

const ROOT = path.resolve(__dirname, "../../..");
const run = (app: "api" | "worker", env: Record<string, string>) =>
  spawnSync(process.execPath, [path.join(ROOT, `apps/${app}/dist/main.js`)], { env: { ...process.env, ...env }, encoding: "utf8", timeout: 30_000 });

describe.each(["api", "worker"] as const)("%s start-up", (app) => {
  const { env } = isolate();

  it("names the unreachable service and how to start it, without a stack trace", () => {
    const r = run(app, { ...env, REDIS_URL: "redis://127.0.0.1:1", DATABASE_URL: "postgres://postgres@127.0.0.1:2/x" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Redis is not reachable at redis:\/\/127\.0\.0\.1:1/);
    expect(r.stderr).toMatch(/redis-server/);
    expect(r.stderr).toMatch(/Postgres is not reachable/);
    expect(r.stderr).toMatch(/pg_ctlcluster/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("names the unreachable Redis Cluster nodes", () => {
    const r = run(app, { ...env, REDIS_CLUSTER_NODES: "127.0.0.1:1,127.0.0.1:3" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Redis is not reachable at the Redis Cluster nodes 127\.0\.0\.1:1,127\.0\.0\.1:3/);
    expect(r.stderr).toMatch(/cluster_state:ok/);
    expect(r.stderr).not.toMatch(/Postgres/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses a bad configuration value, naming the variable", () => {
    const r = run(app, { ...env, MAX_TRIALS: "lots", PORT: "99999" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/MAX_TRIALS/);
    if (app === "api") expect(r.stderr).toMatch(/PORT/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
