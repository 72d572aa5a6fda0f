import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { ADMIN_KEY, call, DATA_DIR, useStack } from "../../api/test/support/stack";

const stack = useStack({ workers: 1 });
const BIN = path.resolve(__dirname, "../bin/mlw.js");
const tmp = mkdtempSync(path.join(os.tmpdir(), "mlw-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Runs `mlw args` against the test stack; answers its exit code, stdout, stderr and, with --json,
 * the last stdout line parsed. (Asynchronous: a test blocked in spawnSync would not see the API
 * close idle keep-alive sockets, and its next fetch would reuse a dead one.)
 */
function mlw(args: string[], key: string = ADMIN_KEY): Promise<{ code: number; stdout: string; stderr: string; json: any }> {
  const env = { ...process.env, MLW_URL: stack.api.url, MLW_API_KEY: key };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, encoding: "utf8", timeout: 240_000 }, (error, stdout, stderr) => {
      const lines = stdout.trimEnd().split("\n");
      const json = args.includes("--json") ? JSON.parse(lines[lines.length - 1]!) : undefined;
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr, json });
    });
  });
}

const space = JSON.stringify({ n_estimators: { type: "int", low: 5, high: 20 }, max_depth: { type: "int", low: 2, high: 6 } });

/** The first `n` rows of wine.csv without the target, as a CSV file; answers its path and rows. */
function wineRows(n: number): { file: string; rows: Record<string, string>[] } {
  const all = Papa.parse<Record<string, string>>(readFileSync(path.join(DATA_DIR, "wine.csv"), "utf8"), { header: true, skipEmptyLines: true }).data;
  const rows = all.slice(0, n).map(({ cultivar: _target, ...features }) => features);
  const file = path.join(tmp, `wine-${n}.csv`);
  writeFileSync(file, Papa.unparse(rows));
  return { file, rows };
}

describe("mlw", () => {
  it("refuses a bad key with UNAUTHENTICATED and a non-zero exit", async () => {
    const r = await mlw(["models", "ls", "--json"], "mlw_not_a_key_at_all_but_long_enough_xxxxxxxxxx");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/UNAUTHENTICATED/);
    expect(r.json).toEqual({ error: { code: "UNAUTHENTICATED", message: expect.any(String), status: 401 } });
  });

  it("shows the API's code and message for a request it refuses", async () => {
    const r = await mlw(["train", "wine.csv", "--target", "no_such_column", "--algorithm", "RandomForestClassifier"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mlw: TARGET_NOT_FOUND: Target column "no_such_column" is not in wine.csv/);
  });

  it("optimize on wine with --json ends with the study's best, and predict writes one line per input row", async () => {
    const r = await mlw(["optimize", "wine.csv", "--target", "cultivar", "--algorithm", "RandomForestClassifier", "--trials", "6", "--cv-folds", "3", "--space", space, "--train-best", "--register-as", "wine-cli", "--set-alias", "champion", "--json"]);
    expect(r.code).toBe(0);
    const study = (await call(stack.api.url, "GET", `/studies/${r.json.study_id}`)).body;
    expect(study.state).toBe("complete");
    expect(r.json).toMatchObject({ success: true, study_id: study.study_id, n_trials: 6, best_score: study.best_score, best_params: study.best_params, registered: { name: "wine-cli", version: 1, alias: "champion" } });
    expect(r.json.best_score).toBe(Math.max(...study.trials.filter((t: any) => t.state === "complete").map((t: any) => t.value)));

    const { file, rows } = wineRows(25);
    const expected = (await call(stack.api.url, "POST", "/registered-models/wine-cli/predict?alias=champion", { rows })).body;
    for (const target of ["wine-cli@champion", "wine-cli", "wine-cli@1", r.json.model_id]) {
      const p = await mlw(["predict", target, file]);
      expect(p.code).toBe(0);
      const lines = p.stdout.trimEnd().split("\n");
      expect(lines).toEqual(["prediction", ...expected.predictions.map(String)]);
    }
    const proba = (await mlw(["predict", "wine-cli", file, "--proba"])).stdout.trimEnd().split("\n");
    expect(proba[0]).toBe(["prediction", ...Object.keys(expected.probabilities[0]).map((l) => `proba_${l}`)].join(","));
    expect(proba).toHaveLength(26);
  }, 300_000);

  it("trains, shows, registers, promotes and deletes models, and creates keys", async () => {
    const trained = await mlw(["train", "wine.csv", "--target", "cultivar", "--algorithm", "RandomForestClassifier", "--param", "n_estimators=5", "--param", "max_features=sqrt", "--wait", "--json"]);
    expect(trained.code).toBe(0);
    expect(trained.json).toMatchObject({ success: true, model_id: expect.stringMatching(/^model-/), metrics: { accuracy: expect.any(Number) } });
    const id = trained.json.model_id;
    expect((await mlw(["models", "show", id, "--json"])).json).toMatchObject({ model_id: id, hyperparams: { n_estimators: 5, max_features: "sqrt" } });
    expect((await mlw(["jobs", "show", trained.json.job_id, "--json"])).json).toMatchObject({ state: "completed", result: { model_id: id } });
    expect((await mlw(["models", "ls", "--json"])).json.models.map((m: any) => m.model_id)).toContain(id);
    expect((await mlw(["models", "ls"])).stdout).toMatch(new RegExp(`^MODEL .*\\n(.*\\n)*${id} `));

    expect((await call(stack.api.url, "POST", "/registered-models", { name: "wine-tree" })).status).toBe(201);
    for (let i = 0; i < 2; i++) expect((await call(stack.api.url, "POST", "/registered-models/wine-tree/versions", { model_id: id })).status).toBe(201);
    const promoted = await mlw(["registry", "promote", "wine-tree", "1", "--alias", "champion"]);
    expect(promoted.stderr).toBe("");
    expect(promoted).toMatchObject({ code: 0, stdout: "wine-tree@champion -> version 1\n" });
    expect((await mlw(["registry", "ls", "--json"])).json.registered_models).toContainEqual(expect.objectContaining({ name: "wine-tree", latest_version: 2, aliases: { champion: 1 } }));
    expect((await mlw(["registry", "versions", "wine-tree", "--json"])).json.versions.map((v: any) => [v.version, v.aliases])).toEqual([[2, []], [1, ["champion"]]]);
    expect(await mlw(["models", "rm", id, "--json"])).toMatchObject({ code: 1, json: { error: { code: "MODEL_IN_USE" } } });

    const key = (await mlw(["keys", "create", "--role", "trainer", "--name", "ci", "--json"])).json;
    expect(key).toMatchObject({ role: "trainer", name: "ci", key: expect.any(String) });
    expect((await mlw(["models", "ls", "--json"], key.key)).code).toBe(0);
    expect((await mlw(["keys", "create", "--role", "trainer", "--json"], key.key)).json.error.code).toBe("FORBIDDEN");

    const other = (await mlw(["train", "iris.csv", "--target", "species", "--algorithm", "LogisticRegression", "--wait", "--json"])).json.model_id;
    expect(await mlw(["models", "rm", other, "--json"])).toMatchObject({ code: 0, json: { deleted: true, model_id: other } });
    expect((await mlw(["models", "show", other, "--json"])).json.error.code).toBe("MODEL_NOT_FOUND");
  }, 300_000);

  it("runs a study with a sampler and a pruner, cancels it, continues it, lists it; cancels a job", async () => {
    const started = await call(stack.api.url, "POST", "/optimize", { dataset_path: "wine.csv", target_column: "cultivar", algorithm: "RandomForestClassifier", n_trials: 50, cv_folds: 3, n_parallel: 1, search_space: JSON.parse(space) });
    expect(started.status).toBe(202);
    const id = started.body.study_id;
    while ((await call(stack.api.url, "GET", `/studies/${id}`)).body.trials_done < 2) await new Promise((r) => setTimeout(r, 200));
    const cancelled = await mlw(["studies", "cancel", id, "--json"]);
    expect(cancelled).toMatchObject({ code: 0, json: { study_id: id, state: "cancelled" } });
    expect((await mlw(["studies", "cancel", id, "--json"])).json.error.code).toBe("STUDY_FINISHED");
    const done = (await call(stack.api.url, "GET", `/studies/${id}`)).body.trials.length;

    const continued = await mlw(["studies", "continue", id, "--trials", "2", "--json"]);
    expect(continued).toMatchObject({ code: 0, json: { study_id: id, n_trials: done + 2 } });
    const shown = await mlw(["studies", "show", id]);
    expect(shown.stdout).toMatch(new RegExp(`state +complete[\\s\\S]*trials +${done + 2}/${done + 2}`));
    expect((await mlw(["studies", "ls", "--state", "complete", "--json"])).json.studies.map((s: any) => s.study_id)).toContain(id);

    const pruned = await mlw(["optimize", "wine.csv", "--target", "cultivar", "--algorithm", "RandomForestClassifier", "--trials", "3", "--space", space, "--sampler", '{"name": "random"}', "--pruner", "hyperband", "--json"]);
    expect(pruned.code).toBe(0);
    expect((await call(stack.api.url, "GET", `/studies/${pruned.json.study_id}`)).body).toMatchObject({ sampler: "random", pruner: "hyperband" });

    const long = await call(stack.api.url, "POST", "/train", { dataset_path: "churn.csv", target_column: "Churn", algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 1500 } });
    expect(long.status).toBe(202);
    const job = await mlw(["jobs", "cancel", long.body.job_id, "--json"]);
    expect(job).toMatchObject({ code: 0, json: { job_id: long.body.job_id } });
    let state = job.json.state;
    for (let i = 0; i < 100 && state !== "failed"; i++) {
      await new Promise((r) => setTimeout(r, 200));
      state = (await call(stack.api.url, "GET", `/jobs/${long.body.job_id}`)).body.state;
    }
    expect((await mlw(["jobs", "show", long.body.job_id, "--json"])).json).toMatchObject({ state: "failed", error: { code: "CANCELLED" } });
    expect((await mlw(["jobs", "cancel", long.body.job_id, "--json"])).json.error.code).toBe("JOB_FINISHED");
  }, 300_000);

  it("answers DATASET_NOT_FOUND for a dataset_path the server does not have", async () => {
    const r = await mlw(["train", "missing.csv", "--target", "y", "--algorithm", "RandomForestClassifier", "--json"]);
    expect(r.json.error.code).toBe("DATASET_NOT_FOUND");
  });
});
