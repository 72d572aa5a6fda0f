/**
 * Serving under load, as an orchestrator runs it: an A/B split and a shadow over 10,000 served
 * predictions, an alias moved through one API process while another serves a stream of
 * predictions, and a model deleted on one process while the other serves it by id.
 */
import { spawn } from "node:child_process";
import { Pool } from "pg";
import { ADMIN_KEY, call, DATABASE_URL, startApi, useStack, type Proc } from "./support/stack";

// 10,000 requests from one key in a minute: the rate limit stays on, out of the way.
const stack = useStack({ workers: 1, env: { RATE_LIMIT_PER_MIN: "1000000" } });
let other: Proc & { url: string };

type Trained = { model_id: string };
const models: Trained[] = [];
const row = { sepal_length_cm: 5.9, sepal_width_cm: 3.0, petal_length_cm: 4.2, petal_width_cm: 1.5 };

const api = (method: string, url: string, body?: unknown, base = stack.api.url) => call(base, method, url, body);

/** Registers `name` with one version per model, in order, and points `aliases` at versions. */
async function registered(name: string, aliases: Record<string, number>): Promise<void> {
  expect((await api("POST", "/registered-models", { name })).status).toBe(201);
  for (const m of models) expect((await api("POST", `/registered-models/${name}/versions`, { model_id: m.model_id })).status).toBe(201);
  for (const [alias, version] of Object.entries(aliases)) expect((await api("PUT", `/registered-models/${name}/aliases/${alias}`, { version })).status).toBe(200);
}

/** Sends `send(i)` for i in 0..n-1, `concurrency` at a time. */
async function pool<T>(n: number, concurrency: number, send: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        results[i] = await send(i);
      }
    }),
  );
  return results;
}

beforeAll(async () => {
  other = await startApi(stack.iso.env);
  const iris = { dataset_path: "iris.csv", target_column: "species" };
  // Three quick models whose versions are told apart by the version each answer names.
  for (const hyperparams of [{ C: 1 }, { C: 0.1 }, { C: 10 }]) {
    const res = await api("POST", "/train?wait=120", { ...iris, algorithm: "LogisticRegression", hyperparams });
    if (res.status !== 200) throw new Error(`training failed: ${JSON.stringify(res.body)}`);
    models.push(res.body);
  }
}, 300_000);

afterAll(async () => {
  await other?.stop();
});

it("serves 10,000 predictions under a 90/10 split within two points of each weight, and records a shadow it never returns", async () => {
  await registered("iris-ab", { champion: 1, challenger: 2, shadow: 3 });
  const policy = { routes: [{ alias: "champion", weight: 90 }, { alias: "challenger", weight: 10 }], shadow: { alias: "shadow", sample_percent: 10 } };
  expect((await api("PUT", "/registered-models/iris-ab/traffic", policy)).status).toBe(200);

  const own = await startApi(stack.iso.env);
  const answers = await pool(10_000, 32, () => api("POST", "/registered-models/iris-ab/predict", { rows: [row] }, own.url));
  expect(await own.stop("SIGTERM")).toBe(0); // writes what the prediction log still holds
  expect(answers.filter((a) => a.status !== 200)).toEqual([]);
  const served = answers.map((a) => a.body.model_version as number);
  const share = (v: number) => served.filter((s) => s === v).length / served.length;
  expect(Math.abs(share(1) - 0.9)).toBeLessThanOrEqual(0.02);
  expect(Math.abs(share(2) - 0.1)).toBeLessThanOrEqual(0.02);
  expect(share(3)).toBe(0);

  const db = new Pool({ connectionString: DATABASE_URL, max: 1, options: `-c search_path=${stack.iso.schema}` });
  try {
    const { rows } = await db.query<{ version: number; shadow_version: number | null; n: number }>(
      "SELECT version, shadow_version, count(*)::int AS n FROM prediction_log WHERE registered_name = 'iris-ab' GROUP BY 1, 2",
    );
    const count = (where: (r: (typeof rows)[number]) => boolean) => rows.filter(where).reduce((sum, r) => sum + r.n, 0);
    expect(count(() => true)).toBe(10_000);
    expect(count((r) => r.version === 1)).toBe(served.filter((s) => s === 1).length);
    expect(count((r) => r.shadow_version !== null && r.shadow_version !== 3)).toBe(0);
    expect(Math.abs(count((r) => r.shadow_version === 3) / 10_000 - 0.1)).toBeLessThanOrEqual(0.02);
  } finally {
    await db.end();
  }
}, 180_000);

/** Moves champion of `name` through `base` to each of `versions`, 1.5 s apart, from a process of its own. */
function moveFromAnotherProcess(base: string, name: string, versions: number[]): Promise<{ version: number; sent: number; at: number; status: number }[]> {
  const script = `
    const [base, key, name, ...versions] = process.argv.slice(1);
    (async () => {
      for (const version of versions.map(Number)) {
        await new Promise((r) => setTimeout(r, 1500));
        const sent = Date.now();
        const res = await fetch(base + "/registered-models/" + name + "/aliases/champion", { method: "PUT", headers: { "content-type": "application/json", authorization: "Bearer " + key }, body: JSON.stringify({ version }) });
        console.log(JSON.stringify({ version, sent, at: Date.now(), status: res.status }));
      }
    })();`;
  const child = spawn(process.execPath, ["-e", script, base, ADMIN_KEY, name, ...versions.map(String)], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.on("exit", () => resolve(out.trim().split("\n").map((l) => JSON.parse(l)))));
}

it("moves champion under load: no request fails, and none that starts a second after a move meets the old version", async () => {
  await registered("iris-live", { champion: 1 });
  let moving = true;
  let moves: Awaited<ReturnType<typeof moveFromAnotherProcess>> = [];
  const requests: { start: number; status: number; version: number }[] = [];
  const senders = Array.from({ length: 8 }, async () => {
    while (moving) {
      const start = Date.now();
      const res = await api("POST", "/registered-models/iris-live/predict", { rows: [row] }, other.url);
      requests.push({ start, status: res.status, version: res.body.model_version });
    }
  });
  try {
    // Each move's previous and next versions differ, so an answer tells which move it follows.
    moves = await moveFromAnotherProcess(stack.api.url, "iris-live", [2, 3, 1, 2]);
    await new Promise((r) => setTimeout(r, 1500));
  } finally {
    moving = false;
    await Promise.all(senders);
  }

  expect(moves.map((m) => [m.version, m.status])).toEqual([[2, 200], [3, 200], [1, 200], [2, 200]]);
  expect(requests.filter((r) => r.status !== 200)).toEqual([]);
  moves.forEach((move, k) => {
    // Started a second after this move and before the next was sent: this move's version, or the
    // next one's when that landed while the request waited; never the version before this move.
    const next = moves[k + 1];
    const settled = requests.filter((r) => r.start > move.at + 1000 && r.start < (next?.sent ?? Infinity));
    expect(settled.length).toBeGreaterThan(0);
    const old = settled.filter((r) => r.version !== move.version && r.version !== next?.version);
    expect({ move, old }).toEqual({ move, old: [] });
  });
}, 60_000);

it("stops serving a model by id on every process within a second of its deletion on one", async () => {
  const res = await api("POST", "/train?wait=90", { dataset_path: "iris.csv", target_column: "species", algorithm: "LogisticRegression", hyperparams: { C: 0.5 } });
  const url = `/model/${res.body.model_id}/predict`;
  expect((await api("POST", url, { rows: [row] }, other.url)).status).toBe(200);
  expect((await api("DELETE", `/models/${res.body.model_id}`)).status).toBe(200);
  const deleted = Date.now();
  let answer = await api("POST", url, { rows: [row] }, other.url);
  while (answer.status === 200 && Date.now() - deleted < 6000) answer = await api("POST", url, { rows: [row] }, other.url);
  expect([answer.status, answer.body.error?.code]).toEqual([404, "MODEL_NOT_FOUND"]);
  expect(Date.now() - deleted).toBeLessThan(1000);
}, 120_000);
