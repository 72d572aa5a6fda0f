import { pickRoute, routingPoint } from "../src/serving/routing";
import { Pool } from "pg";
import { call, DATABASE_URL, startApi, useStack, type Proc } from "./support/stack";

const stack = useStack({ workers: 1 });

type Trained = { model_id: string };
let logistic: Trained;
let forest: Trained;
const rows = [
  { sepal_length_cm: 5.1, sepal_width_cm: 3.5, petal_length_cm: 1.4, petal_width_cm: 0.2 },
  { sepal_length_cm: 6.7, sepal_width_cm: 3.0, petal_length_cm: 5.2, petal_width_cm: 2.3 },
  { sepal_length_cm: 5.9, sepal_width_cm: 3.0, petal_length_cm: 4.2, petal_width_cm: 1.5 },
];

const api = (method: string, url: string, body?: unknown, base = stack.api.url, headers: Record<string, string> = {}) => call(base, method, url, body, { headers });

async function train(body: object): Promise<Trained> {
  const res = await api("POST", "/train?wait=60", body);
  if (res.status !== 200) throw new Error(`training failed: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Registers `name` with one version per model, in order, and points `aliases` at versions. */
async function registered(name: string, models: Trained[], aliases: Record<string, number> = {}): Promise<void> {
  expect((await api("POST", "/registered-models", { name })).status).toBe(201);
  for (const m of models) expect((await api("POST", `/registered-models/${name}/versions`, { model_id: m.model_id })).status).toBe(201);
  for (const [alias, version] of Object.entries(aliases)) expect((await api("PUT", `/registered-models/${name}/aliases/${alias}`, { version })).status).toBe(200);
}

/** An answer without its prediction ids, which are fresh on every request. */
function answer(body: { prediction_ids: unknown[] }): object {
  expect(body.prediction_ids).toEqual(rows.map(() => expect.any(String)));
  const { prediction_ids: _ids, ...rest } = body;
  return rest;
}

beforeAll(async () => {
  const iris = { dataset_path: "iris.csv", target_column: "species" };
  logistic = await train({ ...iris, algorithm: "LogisticRegression" });
  forest = await train({ ...iris, algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 3, max_depth: 1 } });
}, 120_000);

describe("predict by registered model name", () => {
  it("serves champion by default, ?alias= and ?version= on demand, with the answer of predict by id plus the version", async () => {
    await registered("iris", [logistic, forest], { champion: 1, challenger: 2 });
    const byId = async (m: Trained) => answer((await api("POST", `/model/${m.model_id}/predict`, { rows })).body);

    const champion = await api("POST", "/registered-models/iris/predict", { rows });
    expect(champion.status).toBe(200);
    expect(champion.headers.get("x-model-version")).toBe("1");
    expect(answer(champion.body)).toEqual({ ...(await byId(logistic)), model_version: 1 });

    const challenger = await api("POST", "/registered-models/iris/predict?alias=challenger", { rows });
    expect(challenger.headers.get("x-model-version")).toBe("2");
    expect(answer(challenger.body)).toEqual({ ...(await byId(forest)), model_version: 2 });

    const v2 = await api("POST", "/registered-models/iris/predict?version=2", { rows });
    expect(answer(v2.body)).toEqual(answer(challenger.body));
    expect(answer((await api("POST", "/registered-models/iris/predict?version=1", { rows })).body)).toEqual(answer(champion.body));
  });

  it("answers 404 naming what is missing: the name, the alias, the version", async () => {
    await registered("iris-bare", [logistic]);
    const codeOf = async (url: string) => {
      const res = await api("POST", url, { rows });
      return [res.status, res.body.error?.code, res.body.error?.message];
    };
    expect(await codeOf("/registered-models/nope/predict")).toEqual([404, "REGISTERED_MODEL_NOT_FOUND", expect.stringContaining('"nope"')]);
    expect(await codeOf("/registered-models/iris-bare/predict")).toEqual([404, "ALIAS_NOT_FOUND", expect.stringContaining('"champion"')]);
    expect(await codeOf("/registered-models/iris-bare/predict?alias=staging")).toEqual([404, "ALIAS_NOT_FOUND", expect.stringContaining('"staging"')]);
    expect(await codeOf("/registered-models/iris-bare/predict?version=7")).toEqual([404, "VERSION_NOT_FOUND", expect.stringContaining("version 7")]);
    expect((await codeOf("/registered-models/iris-bare/predict?version=1"))[0]).toBe(200);
    expect(await codeOf("/registered-models/iris-bare/predict?version=1&alias=champion")).toEqual([400, "VALIDATION_ERROR", expect.any(String)]);
  });

  it("serves a moved alias, a deleted version and a deleted name at once", async () => {
    await registered("iris-moves", [logistic, forest], { champion: 1 });
    const served = async () => (await api("POST", "/registered-models/iris-moves/predict", { rows })).body.model_version;
    expect(await served()).toBe(1);
    await api("PUT", "/registered-models/iris-moves/aliases/champion", { version: 2 });
    expect(await served()).toBe(2);
    expect((await api("DELETE", "/registered-models/iris-moves/versions/1")).status).toBe(200);
    expect((await api("POST", "/registered-models/iris-moves/predict?version=1", { rows })).body.error.code).toBe("VERSION_NOT_FOUND");
    expect((await api("DELETE", "/registered-models/iris-moves")).status).toBe(200);
    expect((await api("POST", "/registered-models/iris-moves/predict", { rows })).body.error.code).toBe("REGISTERED_MODEL_NOT_FOUND");
  });
});

describe("traffic policy", () => {
  const split = [
    { alias: "champion", weight: 90 },
    { alias: "challenger", weight: 10 },
  ];
  /** The version the policy's split gives `key` of `name` (v1 champion, v2 challenger). */
  const expectedVersion = (name: string, key: string, routes = split) => (pickRoute(routes, routingPoint(name, key)).alias === "champion" ? 1 : 2);

  it("is set, shown and removed, and refuses negative or all-zero weights and aliases that do not exist", async () => {
    await registered("iris-policy", [logistic, forest], { champion: 1, challenger: 2 });
    const put = (body: unknown) => api("PUT", "/registered-models/iris-policy/traffic", body);
    expect((await api("GET", "/registered-models/iris-policy/traffic")).body.error.code).toBe("TRAFFIC_POLICY_NOT_FOUND");
    for (const [routes, words] of [
      [[{ alias: "champion", weight: -1 }, { alias: "challenger", weight: 2 }], "negative"],
      [[{ alias: "champion", weight: 0 }, { alias: "challenger", weight: 0 }], "zero"],
      [[], "at least one"],
    ] as const) {
      const res = await put({ routes });
      expect([res.status, res.body.error.code]).toEqual([400, "VALIDATION_ERROR"]);
      expect(res.body.error.message).toContain(words);
    }
    const unknown = await put({ routes: [{ alias: "champion", weight: 1 }, { alias: "staging", weight: 1 }] });
    expect([unknown.status, unknown.body.error.code, unknown.body.error.details]).toEqual([400, "UNKNOWN_ALIAS", { aliases: ["staging"] }]);
    const badShadow = await put({ routes: split, shadow: { alias: "ghost", sample_percent: 5 } });
    expect([badShadow.status, badShadow.body.error.code]).toEqual([400, "UNKNOWN_ALIAS"]);
    expect((await api("PUT", "/registered-models/nope/traffic", { routes: split })).body.error.code).toBe("REGISTERED_MODEL_NOT_FOUND");

    const set = await put({ routes: [{ alias: "champion", weight: 3 }, { alias: "challenger", weight: 1 }], sticky_key: "customer" });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ name: "iris-policy", routes: [{ alias: "champion", weight: 3, share: 0.75 }, { alias: "challenger", weight: 1, share: 0.25 }], sticky_key: "customer", shadow: null });
    expect((await api("GET", "/registered-models/iris-policy")).body.has_traffic_policy).toBe(true);
    expect((await api("GET", "/registered-models/iris-policy/traffic")).body).toEqual(set.body);
    const inUse = await api("DELETE", "/registered-models/iris-policy/aliases/challenger");
    expect([inUse.status, inUse.body.error.code]).toEqual([409, "ALIAS_IN_USE"]);
    expect((await api("DELETE", "/registered-models/iris-policy/traffic")).status).toBe(200);
    expect((await api("GET", "/registered-models/iris-policy/traffic")).body.error.code).toBe("TRAFFIC_POLICY_NOT_FOUND");
    expect((await api("DELETE", "/registered-models/iris-policy/traffic")).body.error.code).toBe("TRAFFIC_POLICY_NOT_FOUND");
    expect((await api("GET", "/registered-models/iris-policy")).body.has_traffic_policy).toBe(false);
  });

  it("splits requests 90/10 by the hash of X-Routing-Key, and ?alias or ?version bypass it", async () => {
    await registered("iris-split", [logistic, forest], { champion: 1, challenger: 2 });
    expect((await api("PUT", "/registered-models/iris-split/traffic", { routes: split })).status).toBe(200);
    const served: number[] = [];
    for (let i = 0; i < 600; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, async (_, j) => {
          const key = `entity-${i + j}`;
          const res = await api("POST", "/registered-models/iris-split/predict", { rows }, stack.api.url, { "x-routing-key": key });
          expect(res.body.model_version).toBe(expectedVersion("iris-split", key));
          return res.body.model_version as number;
        }),
      );
      served.push(...batch);
    }
    const challengerShare = served.filter((v) => v === 2).length / served.length;
    expect(challengerShare).toBeGreaterThan(0.06);
    expect(challengerShare).toBeLessThan(0.14);
    expect((await api("POST", "/registered-models/iris-split/predict?alias=challenger", { rows })).body.model_version).toBe(2);
    expect((await api("POST", "/registered-models/iris-split/predict?version=1", { rows })).body.model_version).toBe(1);
  });

  it("is sticky on a row field: the same entity always meets the same version; the header wins over the field", async () => {
    await registered("iris-sticky", [logistic, forest], { champion: 1, challenger: 2 });
    const even = [{ alias: "champion", weight: 1 }, { alias: "challenger", weight: 1 }];
    expect((await api("PUT", "/registered-models/iris-sticky/traffic", { routes: even, sticky_key: "customer" })).status).toBe(200);
    const seen = new Set<number>();
    for (let c = 0; c < 20; c++) {
      const customer = `cust-${c}`;
      const versions = new Set<number>();
      for (let n = 0; n < 3; n++) {
        const res = await api("POST", "/registered-models/iris-sticky/predict", { rows: rows.map((r) => ({ ...r, customer })) });
        versions.add(res.body.model_version);
      }
      expect([...versions]).toEqual([expectedVersion("iris-sticky", customer, even)]);
      seen.add([...versions][0]!);
    }
    expect([...seen].sort()).toEqual([1, 2]);
    const res = await api("POST", "/registered-models/iris-sticky/predict", { rows: [{ ...rows[0], customer: "cust-0" }] }, stack.api.url, { "x-routing-key": "other" });
    expect(res.body.model_version).toBe(expectedVersion("iris-sticky", "other", even));
  });

  it("computes the shadow after the answer and never returns it, nor fails the caller when it fails", async () => {
    await registered("iris-shadow", [logistic, forest], { champion: 1, challenger: 2 });
    const policy = { routes: [{ alias: "champion", weight: 1 }], shadow: { alias: "challenger", sample_percent: 100 } };
    expect((await api("PUT", "/registered-models/iris-shadow/traffic", policy)).status).toBe(200);
    const plain = await api("POST", "/registered-models/iris-shadow/predict?version=1", { rows });
    const res = await api("POST", "/registered-models/iris-shadow/predict", { rows });
    expect([res.status, res.headers.get("x-model-version")]).toEqual([200, "1"]);
    expect(answer(res.body)).toEqual(answer(plain.body));
    // The shadow's alias disappears: the caller still gets its answer.
    expect((await api("DELETE", "/registered-models/iris-shadow/aliases/challenger")).status).toBe(200);
    const after = await api("POST", "/registered-models/iris-shadow/predict", { rows });
    expect(answer(after.body)).toEqual(answer(plain.body));
  });

  it("goes with its registered model when that is deleted", async () => {
    await registered("iris-gone", [logistic], { champion: 1 });
    expect((await api("PUT", "/registered-models/iris-gone/traffic", { routes: [{ alias: "champion", weight: 1 }] })).status).toBe(200);
    expect((await api("DELETE", "/registered-models/iris-gone")).status).toBe(200);
    expect((await api("GET", "/registered-models/iris-gone/traffic")).body.error.code).toBe("REGISTERED_MODEL_NOT_FOUND");
    await registered("iris-gone", [logistic], { champion: 1 });
    expect((await api("GET", "/registered-models/iris-gone/traffic")).body.error.code).toBe("TRAFFIC_POLICY_NOT_FOUND");
  });
});

describe("a second API process", () => {
  let other: Proc & { url: string };
  beforeAll(async () => {
    other = await startApi(stack.iso.env);
  }, 60_000);
  afterAll(async () => {
    await other?.stop();
  });

  it("serves the version an alias moved to on the first process within a second", async () => {
    await registered("iris-fleet", [logistic, forest], { champion: 1 });
    const servedThere = async () => (await api("POST", "/registered-models/iris-fleet/predict", { rows }, other.url)).body.model_version;
    for (let i = 0; i < 3; i++) expect(await servedThere()).toBe(1);

    const moved = Date.now();
    expect((await api("PUT", "/registered-models/iris-fleet/aliases/champion", { version: 2 })).status).toBe(200);
    let version = await servedThere();
    while (version !== 2 && Date.now() - moved < 3000) version = await servedThere();
    expect(version).toBe(2);
    expect(Date.now() - moved).toBeLessThan(1000);
  });

  it("serves the version a study's set_alias filed within a second of the study's end", async () => {
    await registered("iris-opt", [logistic], { champion: 1 });
    const servedThere = async () => (await api("POST", "/registered-models/iris-opt/predict", { rows }, other.url)).body.model_version;
    let warming = true;
    const warm = (async () => {
      while (warming) {
        expect([1, 2]).toContain(await servedThere());
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const res = await api("POST", "/optimize?wait=120", {
      dataset_path: "iris.csv",
      target_column: "species",
      algorithm: "LogisticRegression",
      n_trials: 2,
      cv_folds: 2,
      train_best: true,
      register_as: "iris-opt",
      set_alias: "champion",
    });
    const done = Date.now();
    warming = false;
    await warm;
    expect(res.body.registered).toEqual({ name: "iris-opt", version: 2, alias: "champion" });
    let version = await servedThere();
    while (version !== 2 && Date.now() - done < 6000) version = await servedThere();
    expect(version).toBe(2);
    expect(Date.now() - done).toBeLessThan(1000);
  });

  it("follows a traffic change made on the first process within a second", async () => {
    await registered("iris-fleet-traffic", [logistic, forest], { champion: 1, challenger: 2 });
    const servedThere = async () => (await api("POST", "/registered-models/iris-fleet-traffic/predict", { rows }, other.url)).body.model_version;
    expect(await servedThere()).toBe(1);
    const changed = Date.now();
    expect((await api("PUT", "/registered-models/iris-fleet-traffic/traffic", { routes: [{ alias: "challenger", weight: 1 }] })).status).toBe(200);
    let version = await servedThere();
    while (version !== 2 && Date.now() - changed < 3000) version = await servedThere();
    expect(version).toBe(2);
    expect(Date.now() - changed).toBeLessThan(1000);
  });
});

describe("the prediction log", () => {
  it("holds every served row after the API stops, with the version, alias, shadow and latency", async () => {
    await registered("iris-log", [logistic, forest], { champion: 1, challenger: 2 });
    expect((await api("PUT", "/registered-models/iris-log/traffic", { routes: [{ alias: "champion", weight: 1 }], shadow: { alias: "challenger", sample_percent: 100 } })).status).toBe(200);
    const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
    const table = `"${stack.iso.schema}".prediction_log`;
    // Predictions by id of this model made by the other processes of this file (written within a second).
    await new Promise((r) => setTimeout(r, 1200));
    const byIdBefore = Number((await pool.query(`SELECT count(*) FROM ${table} WHERE registered_name IS NULL AND model_id = $1`, [forest.model_id])).rows[0].count);

    const own = await startApi(stack.iso.env);
    const byName = await Promise.all(Array.from({ length: 12 }, () => api("POST", "/registered-models/iris-log/predict", { rows }, own.url)));
    const byVersion = await api("POST", "/registered-models/iris-log/predict?version=2", { rows: rows.slice(0, 1) }, own.url);
    const byId = await api("POST", `/model/${forest.model_id}/predict`, { rows: rows.slice(0, 2) }, own.url);
    for (const res of [...byName, byVersion, byId]) expect(res.status).toBe(200);
    expect(await own.stop("SIGTERM")).toBe(0);

    try {
      const logged = (await pool.query(`SELECT * FROM ${table} WHERE registered_name = 'iris-log'`)).rows;
      expect(logged).toHaveLength(12 * rows.length + 1);
      const named = logged.filter((r) => r.version === 1);
      expect(named).toHaveLength(12 * rows.length);
      expect(new Set(named.map((r) => r.request_id)).size).toBe(12);
      expect(new Set(logged.map((r) => r.id)).size).toBe(logged.length);
      const answered = new Set(byName.flatMap((res) => res.body.prediction_ids));
      expect(answered.size).toBe(12 * rows.length);
      for (const r of named) {
        expect(answered.has(r.id)).toBe(true);
        expect(r.input).toEqual(rows[r.row_index]);
        expect(r).toMatchObject({ model_id: logistic.model_id, alias: "champion", shadow_model_id: forest.model_id, shadow_version: 2, shadow_error: null });
        expect(r.shadow_result).toEqual(expect.any(String));
        expect(r.result).toBe(byName[0]!.body.predictions[r.row_index]);
        expect(r.latency_ms).toBeGreaterThan(0);
      }
      expect(logged.filter((r) => r.version === 2 && r.shadow_version === null && r.alias === null)).toHaveLength(1);
      const byIdAfter = Number((await pool.query(`SELECT count(*) FROM ${table} WHERE registered_name IS NULL AND model_id = $1`, [forest.model_id])).rows[0].count);
      expect(byIdAfter - byIdBefore).toBe(2);
    } finally {
      await pool.end();
    }
    for (const res of byName) expect(Object.keys(res.body).sort()).toEqual(["model_version", "prediction_ids", "predictions", "probabilities"]);
  });
});
