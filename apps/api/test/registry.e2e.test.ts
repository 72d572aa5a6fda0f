import { call, pollJob, useStack } from "./support/stack";

const stack = useStack({ workers: 1 });

type Trained = { model_id: string; metrics: Record<string, number> };
let irisA: Trained;
let irisB: Trained;
let wine: Trained;
let diabetes: Trained;
/** A trainer key and its name: the name is what the registry records as "by". */
const trainer = { name: "ci-trainer", key: "" };

const api = (method: string, url: string, body?: unknown, key?: string) => call(stack.api.url, method, url, body, key === undefined ? {} : { key });
const asTrainer = (method: string, url: string, body?: unknown) => api(method, url, body, trainer.key);

async function train(body: object): Promise<Trained> {
  const res = await api("POST", "/train?wait=60", body);
  if (res.status !== 200) throw new Error(`training failed: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Creates registered model `name` (as the trainer) and answers it. */
async function createName(name: string, extra: object = {}): Promise<any> {
  const res = await asTrainer("POST", "/registered-models", { name, ...extra });
  expect(res.status).toBe(201);
  return res.body;
}

async function register(name: string, modelId: string, extra: object = {}): Promise<any> {
  const res = await asTrainer("POST", `/registered-models/${name}/versions`, { model_id: modelId, ...extra });
  expect(res.status).toBe(201);
  return res.body;
}

beforeAll(async () => {
  const key = await api("POST", "/admin/keys", { name: trainer.name, role: "trainer" });
  trainer.key = key.body.key;
  const iris = { dataset_path: "iris.csv", target_column: "species" };
  irisA = await train({ ...iris, algorithm: "LogisticRegression" });
  irisB = await train({ ...iris, algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 5 } });
  wine = await train({ dataset_path: "wine.csv", target_column: "cultivar", algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 5 } });
  diabetes = await train({ dataset_path: "diabetes.csv", target_column: "progression", algorithm: "LinearRegression" });
}, 120_000);

describe("registered models", () => {
  it("creates a name once, with its description and tags, and refuses names that are not URL-safe", async () => {
    const created = await createName("fraud.detector-v_1", { description: "card fraud", tags: { team: "risk" } });
    expect(created).toMatchObject({ name: "fraud.detector-v_1", description: "card fraud", tags: { team: "risk" }, task: null, latest_version: null, aliases: {}, created_by: trainer.name });
    expect((await api("GET", "/registered-models/fraud.detector-v_1")).body).toEqual({ ...created, has_traffic_policy: false });

    const again = await asTrainer("POST", "/registered-models", { name: "fraud.detector-v_1" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("NAME_TAKEN");
    for (const name of ["a/b", "has space", "..", "é", "", "x".repeat(101)]) {
      const res = await asTrainer("POST", "/registered-models", { name });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringContaining("name") });
    }
  });

  it("searches by name prefix (a `_` or `%` in it is no wildcard) and by tag, and pages by name", async () => {
    for (const [name, tags] of [
      ["srch_a", { team: "vision", stage: "x" }],
      ["srchxa", { team: "vision" }],
      ["srch_b", { team: "nlp" }],
      ["srch_c", {}],
      ["srch_d", { team: "vision" }],
    ] as const) {
      await createName(name, { tags });
    }
    const names = async (query: string) => {
      const res = await api("GET", `/registered-models?${query}`);
      expect(res.status).toBe(200);
      return res.body.registered_models.map((m: any) => m.name);
    };
    expect(await names("name_prefix=srch_")).toEqual(["srch_a", "srch_b", "srch_c", "srch_d"]);
    expect(await names("name_prefix=srch%25")).toEqual([]);
    expect(await names("name_prefix=srch&tag=team=vision")).toEqual(["srch_a", "srch_d", "srchxa"]);
    expect(await names("name_prefix=srch&tag=team=vision&tag=stage")).toEqual(["srch_a"]);
    expect(await names("name_prefix=srch&tag=team")).toEqual(["srch_a", "srch_b", "srch_d", "srchxa"]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await api("GET", `/registered-models?name_prefix=srch&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.body.registered_models.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.registered_models.map((m: any) => m.name));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(["srch_a", "srch_b", "srch_c", "srch_d", "srchxa"]);

    const bad = await api("GET", "/registered-models?cursor=bm90IGEgbmFtZSE");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("INVALID_CURSOR");
  });

  it("changes the description and merges tags (null removes one); the name and unknown fields are refused", async () => {
    await createName("patchme", { description: "old", tags: { a: "1", b: "2" } });
    const res = await asTrainer("PATCH", "/registered-models/patchme", { description: "new", tags: { b: null, c: "3" } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "patchme", description: "new", tags: { a: "1", c: "3" } });
    expect(res.body.tags).not.toHaveProperty("b");
    expect((await asTrainer("PATCH", "/registered-models/patchme", { description: null })).body).toMatchObject({ description: null, tags: { a: "1", c: "3" } });

    const rename = await asTrainer("PATCH", "/registered-models/patchme", { name: "other" });
    expect(rename.status).toBe(400);
    expect(rename.body.error.code).toBe("VALIDATION_ERROR");
    const unknown = await asTrainer("PATCH", "/registered-models/nope", { description: "x" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("REGISTERED_MODEL_NOT_FOUND");
  });
});

describe("versions", () => {
  it("numbers versions 1, 2, … and keeps each model's lineage and the key that registered it", async () => {
    await createName("iris-clf");
    const v1 = await register("iris-clf", irisA.model_id, { description: "baseline", tags: { validation_status: "pending" } });
    const model = (await api("GET", `/models/${irisA.model_id}`)).body;
    expect(v1).toEqual({
      name: "iris-clf",
      version: 1,
      model_id: irisA.model_id,
      task: "classification",
      algorithm: "LogisticRegression",
      description: "baseline",
      tags: { validation_status: "pending" },
      aliases: [],
      lineage: {
        dataset_path: "iris.csv",
        dataset_id: null,
        dataset_sha256: model.dataset_sha256,
        target_column: "species",
        study_id: null,
        trial_number: null,
        job_id: expect.stringMatching(/^train-/),
        metrics: irisA.metrics,
        registered_by: trainer.name,
      },
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(model.dataset_sha256).toMatch(/^[0-9a-f]{64}$/);
    const v2 = await register("iris-clf", irisB.model_id);
    expect(v2).toMatchObject({ version: 2, model_id: irisB.model_id, algorithm: "RandomForestClassifier" });
    expect((await api("GET", "/registered-models/iris-clf/versions/1")).body).toEqual(v1);
    expect((await api("GET", "/registered-models/iris-clf")).body).toMatchObject({ task: "classification", latest_version: 2 });
  });

  it("refuses a model of another task with 409 TASK_MISMATCH, without using up a number", async () => {
    await createName("mixed");
    await register("mixed", irisA.model_id);
    const res = await asTrainer("POST", "/registered-models/mixed/versions", { model_id: diabetes.model_id });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "TASK_MISMATCH", message: expect.stringContaining("regression") });
    expect((await register("mixed", wine.model_id)).version).toBe(2);
  });

  it("gives 20 concurrent registrations the versions 1..20, without gaps or repeats", async () => {
    await createName("busy");
    const models = [irisA, irisB, wine];
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => asTrainer("POST", "/registered-models/busy/versions", { model_id: models[i % 3]!.model_id })));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    expect(answers.map((a) => a.body.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const listed = (await api("GET", "/registered-models/busy/versions?limit=200")).body.versions;
    expect(listed.map((v: any) => v.version)).toEqual(Array.from({ length: 20 }, (_, i) => 20 - i));
    for (const a of answers) expect(listed.find((v: any) => v.version === a.body.version).model_id).toBe(a.body.model_id);
  });

  it("lists versions newest first, by page, filtered by tag", async () => {
    await createName("paged");
    for (const [i, m] of [irisA, irisB, wine, irisA, irisB].entries()) await register("paged", m.model_id, { tags: { validation_status: i % 2 ? "passed" : "failed" } });
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await api("GET", `/registered-models/paged/versions?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...res.body.versions.map((v: any) => v.version));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([5, 4, 3, 2, 1]);
    const passed = (await api("GET", "/registered-models/paged/versions?tag=validation_status=passed")).body.versions;
    expect(passed.map((v: any) => v.version)).toEqual([4, 2]);
  });

  it("changes a version's tags and description, never its model", async () => {
    await createName("tagged");
    const v1 = await register("tagged", irisA.model_id, { tags: { validation_status: "pending", owner: "me" } });
    const res = await asTrainer("PATCH", "/registered-models/tagged/versions/1", { description: "checked", tags: { validation_status: "passed", owner: null } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...v1, description: "checked", tags: { validation_status: "passed" }, updated_at: expect.any(String) });
    for (const body of [{ model_id: irisB.model_id }, { lineage: {} }, { version: 3 }]) {
      const refused = await asTrainer("PATCH", "/registered-models/tagged/versions/1", body);
      expect(refused.status).toBe(400);
    }
    expect((await api("GET", "/registered-models/tagged/versions/1")).body.model_id).toBe(irisA.model_id);
  });

  it("answers 404 for an unknown name, version or model, and 400 for a version that is not a number", async () => {
    await createName("sparse");
    await register("sparse", irisA.model_id);
    const cases: [string, string, unknown, number, string][] = [
      ["GET", "/registered-models/nope", undefined, 404, "REGISTERED_MODEL_NOT_FOUND"],
      ["DELETE", "/registered-models/nope", undefined, 404, "REGISTERED_MODEL_NOT_FOUND"],
      ["GET", "/registered-models/nope/versions", undefined, 404, "REGISTERED_MODEL_NOT_FOUND"],
      ["GET", "/registered-models/nope/history", undefined, 404, "REGISTERED_MODEL_NOT_FOUND"],
      ["POST", "/registered-models/nope/versions", { model_id: irisA.model_id }, 404, "REGISTERED_MODEL_NOT_FOUND"],
      ["POST", "/registered-models/sparse/versions", { model_id: "model-0000000000000000" }, 404, "MODEL_NOT_FOUND"],
      ["GET", "/registered-models/sparse/versions/2", undefined, 404, "VERSION_NOT_FOUND"],
      ["GET", "/registered-models/nope/versions/1", undefined, 404, "REGISTERED_MODEL_NOT_FOUND"],
      ["PATCH", "/registered-models/sparse/versions/2", { description: "x" }, 404, "VERSION_NOT_FOUND"],
      ["DELETE", "/registered-models/sparse/versions/2", undefined, 404, "VERSION_NOT_FOUND"],
      ["PUT", "/registered-models/sparse/aliases/champion", { version: 2 }, 404, "VERSION_NOT_FOUND"],
      ["PUT", "/registered-models/nope/aliases/champion", { version: 1 }, 404, "REGISTERED_MODEL_NOT_FOUND"],
      ["GET", "/registered-models/sparse/aliases/champion", undefined, 404, "ALIAS_NOT_FOUND"],
      ["GET", "/registered-models/nope/aliases/champion", undefined, 404, "REGISTERED_MODEL_NOT_FOUND"],
      ["DELETE", "/registered-models/sparse/aliases/champion", undefined, 404, "ALIAS_NOT_FOUND"],
      ["GET", "/registered-models/sparse/versions/one", undefined, 400, "VALIDATION_ERROR"],
      ["GET", "/registered-models/sparse/versions/99999999999", undefined, 400, "VALIDATION_ERROR"],
      ["PUT", "/registered-models/sparse/aliases/2nd", { version: 1 }, 400, "VALIDATION_ERROR"],
      ["PUT", "/registered-models/sparse/aliases/champion", { version: "1" }, 400, "VALIDATION_ERROR"],
      // an unknown (say misspelt) field is refused, not dropped
      ["PUT", "/registered-models/sparse/aliases/champion", { version: 1, sticky: true }, 400, "VALIDATION_ERROR"],
      ["POST", "/registered-models/sparse/versions", { model_id: irisA.model_id, tag: { a: "b" } }, 400, "VALIDATION_ERROR"],
      ["POST", "/registered-models", { name: "typo", desciption: "x" }, 400, "VALIDATION_ERROR"],
      ["GET", "/registered-models/sparse/versions?cursor=eA", undefined, 400, "INVALID_CURSOR"],
    ];
    for (const [method, url, body, status, code] of cases) {
      const res = await api(method, url, body);
      expect({ call: `${method} ${url}`, status: res.status, code: res.body.error?.code }).toEqual({ call: `${method} ${url}`, status, code });
    }
  });
});

describe("aliases", () => {
  beforeAll(async () => {
    await createName("ranked");
    for (const m of [irisA, irisB, wine]) await register("ranked", m.model_id);
  });

  it("sets and moves an alias, each move recorded with from, to, when and which key", async () => {
    const set = await asTrainer("PUT", "/registered-models/ranked/aliases/champion", { version: 1 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ name: "ranked", alias: "champion", version: 1, model_id: irisA.model_id, previous_version: null, updated_by: trainer.name });
    const moved = await api("PUT", "/registered-models/ranked/aliases/champion", { version: 2 });
    expect(moved.body).toMatchObject({ version: 2, model_id: irisB.model_id, previous_version: 1, updated_by: "MLW_ADMIN_KEY" });
    const same = await api("PUT", "/registered-models/ranked/aliases/champion", { version: 2 });
    expect(same.body).toMatchObject({ version: 2, previous_version: 2 });
    await asTrainer("PUT", "/registered-models/ranked/aliases/challenger", { version: 3 });

    expect((await api("GET", "/registered-models/ranked/aliases/champion")).body).toMatchObject({ alias: "champion", version: 2, model_id: irisB.model_id });
    expect((await api("GET", "/registered-models/ranked")).body.aliases).toEqual({ champion: 2, challenger: 3 });
    expect((await api("GET", "/registered-models/ranked/versions/2")).body.aliases).toEqual(["champion"]);

    const history = (await api("GET", "/registered-models/ranked/history")).body.history;
    expect(history).toEqual([
      { alias: "challenger", from_version: null, to_version: 3, at: expect.any(String), by: trainer.name },
      { alias: "champion", from_version: 1, to_version: 2, at: expect.any(String), by: "MLW_ADMIN_KEY" },
      { alias: "champion", from_version: null, to_version: 1, at: expect.any(String), by: trainer.name },
    ]);
    const times = history.map((h: any) => Date.parse(h.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect((await api("GET", "/registered-models/ranked/history?alias=champion&limit=1")).body).toMatchObject({ history: [{ to_version: 2 }], next_cursor: expect.any(String) });
  });

  it("moves atomically: concurrent moves form one unbroken chain in the history, ending where the alias is", async () => {
    await createName("raced");
    for (const m of [irisA, irisB, wine]) await register("raced", m.model_id);
    const targets = Array.from({ length: 16 }, (_, i) => (i % 3) + 1);
    const answers = await Promise.all(targets.map((version) => api("PUT", "/registered-models/raced/aliases/champion", { version })));
    expect(answers.map((a) => a.status)).toEqual(Array(16).fill(200));
    const chain = [...(await api("GET", "/registered-models/raced/history?limit=200")).body.history].reverse();
    expect(chain[0].from_version).toBeNull();
    for (let i = 1; i < chain.length; i++) {
      expect(chain[i].from_version).toBe(chain[i - 1].to_version);
      expect(chain[i].to_version).not.toBe(chain[i].from_version);
    }
    expect((await api("GET", "/registered-models/raced/aliases/champion")).body.version).toBe(chain[chain.length - 1].to_version);
    for (const a of answers) expect(a.body.previous_version === a.body.version || chain.some((h) => h.from_version === a.body.previous_version && h.to_version === a.body.version)).toBe(true);
  });

  it("refuses to delete a version an alias points at (409 naming the alias), until the alias is removed", async () => {
    await createName("guarded");
    await register("guarded", irisA.model_id);
    await register("guarded", irisB.model_id);
    await api("PUT", "/registered-models/guarded/aliases/champion", { version: 2 });
    await api("PUT", "/registered-models/guarded/aliases/shadow", { version: 2 });

    const refused = await api("DELETE", "/registered-models/guarded/versions/2");
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "VERSION_IN_USE", message: expect.stringContaining('"champion"'), details: { aliases: ["champion", "shadow"] } });
    expect((await api("GET", "/registered-models/guarded/versions/2")).status).toBe(200);

    expect((await api("DELETE", "/registered-models/guarded/aliases/champion")).body).toEqual({ deleted: true, name: "guarded", alias: "champion", version: 2 });
    await api("PUT", "/registered-models/guarded/aliases/shadow", { version: 1 });
    const deleted = await api("DELETE", "/registered-models/guarded/versions/2");
    expect(deleted.body).toEqual({ deleted: true, name: "guarded", version: 2, model_id: irisB.model_id });
    expect((await api("GET", "/registered-models/guarded/versions/2")).status).toBe(404);
    expect((await api("GET", "/registered-models/guarded/aliases/champion")).status).toBe(404);
    expect((await api("GET", "/registered-models/guarded/history?alias=champion")).body.history[0]).toMatchObject({ from_version: 2, to_version: null, by: "MLW_ADMIN_KEY" });
    // A deleted number is not given out again.
    expect((await register("guarded", irisB.model_id)).version).toBe(3);
  });

  it("lets no alias point at a version deleted at the same moment", async () => {
    await createName("racedelete");
    for (let round = 0; round < 8; round++) {
      const v = (await register("racedelete", irisA.model_id)).version;
      const [put, del] = await Promise.all([
        api("PUT", "/registered-models/racedelete/aliases/champion", { version: v }),
        api("DELETE", `/registered-models/racedelete/versions/${v}`),
      ]);
      // Either the alias came first (the delete is refused) or the delete did (the alias finds no version).
      expect([`${put.status} ${del.status}`]).toContainEqual(expect.stringMatching(/^(200 409|404 200)$/));
      const alias = await api("GET", "/registered-models/racedelete/aliases/champion");
      if (alias.status === 200) expect((await api("GET", `/registered-models/racedelete/versions/${alias.body.version}`)).status).toBe(200);
      if (put.status === 200) await api("DELETE", "/registered-models/racedelete/aliases/champion");
    }
  });
});

describe("deletes", () => {
  it("refuses to delete a model a version points at, naming the version; deleting the name keeps the models", async () => {
    const own = await train({ dataset_path: "iris.csv", target_column: "species", algorithm: "LogisticRegression", random_state: 7 });
    await createName("keeper");
    await register("keeper", own.model_id);
    await api("PUT", "/registered-models/keeper/aliases/champion", { version: 1 });

    const refused = await api("DELETE", `/models/${own.model_id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "MODEL_IN_USE", message: expect.stringContaining('"keeper" version 1'), details: { versions: [{ name: "keeper", version: 1 }] } });
    expect((await api("GET", `/models/${own.model_id}`)).status).toBe(200);

    expect((await asTrainer("DELETE", "/registered-models/keeper")).status).toBe(403);
    expect((await api("DELETE", "/registered-models/keeper")).body).toEqual({ deleted: true, name: "keeper" });
    for (const url of ["/registered-models/keeper", "/registered-models/keeper/versions", "/registered-models/keeper/history", "/registered-models/keeper/aliases/champion"]) {
      expect((await api("GET", url)).status).toBe(404);
    }
    expect((await api("GET", `/models/${own.model_id}`)).status).toBe(200);

    // The name can be registered again, from version 1 and with an empty history.
    await createName("keeper");
    expect((await register("keeper", own.model_id)).version).toBe(1);
    expect((await api("GET", "/registered-models/keeper/history")).body.history).toEqual([]);
    await api("DELETE", "/registered-models/keeper");
    expect((await api("DELETE", `/models/${own.model_id}`)).status).toBe(200);
  }, 60_000);
});

describe("POST /optimize with register_as", () => {
  it("files the final model as version 1 with its lineage, and sets the alias", async () => {
    const res = await asTrainer("POST", "/optimize?wait=120", {
      dataset_path: "iris.csv",
      target_column: "species",
      algorithm: "RandomForestClassifier",
      n_trials: 3,
      cv_folds: 2,
      search_space: { n_estimators: { type: "int", low: 3, high: 6 }, max_depth: { type: "int", low: 2, high: 4 } },
      train_best: true,
      register_as: "iris-tuned",
      set_alias: "champion",
    });
    expect(res.status).toBe(200);
    expect(res.body.registered).toEqual({ name: "iris-tuned", version: 1, alias: "champion" });

    const study = (await api("GET", `/studies/${res.body.study_id}`)).body;
    const model = (await api("GET", `/models/${res.body.model_id}`)).body;
    const version = (await api("GET", "/registered-models/iris-tuned/versions/1")).body;
    expect(version).toMatchObject({
      name: "iris-tuned",
      version: 1,
      model_id: res.body.model_id,
      task: "classification",
      aliases: ["champion"],
      lineage: {
        dataset_path: "iris.csv",
        dataset_sha256: model.dataset_sha256,
        study_id: res.body.study_id,
        trial_number: study.best_trial.number,
        job_id: `train-${study.job_id.slice("optimize-".length)}`,
        metrics: model.metrics,
        registered_by: trainer.name,
      },
    });
    expect((await api("GET", "/registered-models/iris-tuned")).body).toMatchObject({ created_by: trainer.name, latest_version: 1, aliases: { champion: 1 } });
    expect((await api("GET", "/registered-models/iris-tuned/history")).body.history).toEqual([{ alias: "champion", from_version: null, to_version: 1, at: expect.any(String), by: trainer.name }]);
  }, 150_000);

  it("fails the study with TASK_MISMATCH when the name took models of another task while it ran, keeping the trained model", async () => {
    const started = await asTrainer("POST", "/optimize", {
      dataset_path: "iris.csv", target_column: "species", algorithm: "LogisticRegression", n_trials: 6, cv_folds: 3, train_best: true, register_as: "late-regressor",
    });
    expect(started.status).toBe(202);
    await createName("late-regressor");
    await register("late-regressor", diabetes.model_id);
    const job = await pollJob(stack.api.url, started.body.job_id, 60_000);
    expect(job.state).toBe("failed");
    expect(job.error).toMatchObject({ code: "TASK_MISMATCH", status: 409 });
    const study = (await api("GET", `/studies/${started.body.study_id}`)).body;
    expect(study).toMatchObject({ state: "failed", model_id: expect.stringMatching(/^model-/), error: expect.stringContaining("not registered") });
    expect((await api("GET", "/registered-models/late-regressor")).body.latest_version).toBe(1);
  }, 90_000);

  it("refuses register_as without train_best, set_alias without register_as, and a name of another task", async () => {
    const base = { dataset_path: "iris.csv", target_column: "species", algorithm: "LogisticRegression", n_trials: 2 };
    const noTrain = await asTrainer("POST", "/optimize", { ...base, register_as: "x" });
    expect(noTrain.status).toBe(400);
    expect(noTrain.body.error.message).toMatch(/train_best/);
    const noName = await asTrainer("POST", "/optimize", { ...base, train_best: true, set_alias: "champion" });
    expect(noName.status).toBe(400);
    expect(noName.body.error.message).toMatch(/register_as/);
    const badName = await asTrainer("POST", "/optimize", { ...base, train_best: true, register_as: "a b" });
    expect(badName.status).toBe(400);

    await createName("regressors");
    await register("regressors", diabetes.model_id);
    const mismatch = await asTrainer("POST", "/optimize", { ...base, train_best: true, register_as: "regressors" });
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.error.code).toBe("TASK_MISMATCH");
  });
});
