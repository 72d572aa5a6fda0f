import { call, startApi, useStack, type Proc } from "./support/stack";

const stack = useStack({ workers: 1 });

type Trained = { model_id: string };
let logistic: Trained;
let forest: Trained;
const rows = [
  { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
  { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 },
  { sepal_length: 5.9, sepal_width: 3.0, petal_length: 4.2, petal_width: 1.5 },
];

const api = (method: string, url: string, body?: unknown, base = stack.api.url) => call(base, method, url, body);

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

beforeAll(async () => {
  const iris = { dataset_path: "iris.csv", target_column: "species" };
  logistic = await train({ ...iris, algorithm: "LogisticRegression" });
  forest = await train({ ...iris, algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 3, max_depth: 1 } });
}, 120_000);

describe("predict by registered model name", () => {
  it("serves champion by default, ?alias= and ?version= on demand, with the answer of predict by id plus the version", async () => {
    await registered("iris", [logistic, forest], { champion: 1, challenger: 2 });
    const byId = async (m: Trained) => (await api("POST", `/model/${m.model_id}/predict`, { rows })).body;

    const champion = await api("POST", "/registered-models/iris/predict", { rows });
    expect(champion.status).toBe(200);
    expect(champion.headers.get("x-model-version")).toBe("1");
    expect(champion.body).toEqual({ ...(await byId(logistic)), model_version: 1 });

    const challenger = await api("POST", "/registered-models/iris/predict?alias=challenger", { rows });
    expect(challenger.headers.get("x-model-version")).toBe("2");
    expect(challenger.body).toEqual({ ...(await byId(forest)), model_version: 2 });

    const v2 = await api("POST", "/registered-models/iris/predict?version=2", { rows });
    expect(v2.body).toEqual(challenger.body);
    expect((await api("POST", "/registered-models/iris/predict?version=1", { rows })).body).toEqual(champion.body);
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
});
