import path from "node:path";
import { Rng } from "@mlw/ml-core";
import { readCsv, type Table } from "@mlw/ml-core/data";
import { trainTestSplit } from "@mlw/ml-core/model-selection";
import { prepareTarget } from "@mlw/ml-core/preprocess";
import { Pool } from "pg";
import { ADMIN_KEY, call, DATA_DIR, DATABASE_URL, useStack } from "./support/stack";

/**
 * The drift demo of issue 15: train churn, register it, send 2,000 rows drawn from its test split
 * with one numeric column shifted by 2 std and one categorical column re-weighted; exactly those
 * two columns are flagged, and an unshifted stream flags none.
 */
// The scheduled check runs every 2 s here, so that the test sees it store and publish a result.
const stack = useStack({ workers: 1, env: { DRIFT_CHECK_EVERY: "2s", DRIFT_WINDOW: "1h" } });
const api = (method: string, url: string, body?: unknown) => call(stack.api.url, method, url, body);

const SHIFTED = "monthly_charges";
const REWEIGHTED = "contract";
let testRows: Record<string, unknown>[];
let monthlyStd: number;
let modelId: string;

/** The rows of `table` as a client sends them: numbers, category text, "" for a missing value. */
function records(table: Table, rows: ArrayLike<number>): Record<string, unknown>[] {
  return Array.from(rows, (r) =>
    Object.fromEntries(
      table.columns.filter((c) => c.name !== "Churn").map((c) => {
        if (c.kind === "numeric") return [c.name, Number.isNaN(c.values[r]!) ? "" : c.values[r]!];
        return [c.name, c.categories[c.codes[r]!] ?? ""];
      }),
    ),
  );
}

/** `n` rows drawn with replacement from the test split. */
function draw(n: number, seed: number): Record<string, unknown>[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => ({ ...testRows[rng.int(testRows.length)]! }));
}

async function predictAll(name: string, rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const res = await api("POST", `/registered-models/${name}/predict`, { rows: rows.slice(i, i + 500) });
    expect(res.status).toBe(200);
  }
}

/** The report once the prediction log holds `rows` rows for `name` (it writes at least every second). */
async function reportWhenLogged(name: string, rows: number): Promise<any> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await api("GET", `/registered-models/${name}/drift?window=1h`);
    if (res.status === 200 && res.body.rows === rows) return res.body;
    if (Date.now() > deadline) throw new Error(`the log did not reach ${rows} rows: ${JSON.stringify(res.body).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** With DRIFT_DEMO_PRINT set, prints each column's test, statistic and PSI (to read the margins). */
const print = (report: any) => process.env.DRIFT_DEMO_PRINT && console.log(report.columns.map((c: any) => `${c.column} ${c.test} ${c.statistic.toFixed(4)} psi ${c.psi.toFixed(4)}`).join("\n"));
const flagged = (report: any) => report.columns.filter((c: any) => c.drifted).map((c: any) => c.column);

beforeAll(async () => {
  const table = await readCsv(path.join(DATA_DIR, "churn.csv"));
  const target = prepareTarget(table, "Churn", "classification");
  const split = trainTestSplit(target.rows.length, { testSize: 0.2, randomState: 42, stratify: target.y });
  testRows = records(table, Array.from(split.test, (k) => target.rows[k]!));
  const trainValues = Array.from(split.train, (k) => (table.column(SHIFTED) as { values: Float64Array }).values[target.rows[k]!]!);
  const mean = trainValues.reduce((s, v) => s + v, 0) / trainValues.length;
  monthlyStd = Math.sqrt(trainValues.reduce((s, v) => s + (v - mean) ** 2, 0) / trainValues.length);

  const trained = await api("POST", "/train?wait=120", { dataset_path: "churn.csv", target_column: "Churn", algorithm: "LogisticRegression", random_state: 42 });
  expect(trained.status).toBe(200);
  modelId = trained.body.model_id;
  for (const name of ["churn", "churn-clean"]) {
    expect((await api("POST", "/registered-models", { name })).status).toBe(201);
    expect((await api("POST", `/registered-models/${name}/versions`, { model_id: trained.body.model_id })).status).toBe(201);
    expect((await api("PUT", `/registered-models/${name}/aliases/champion`, { version: 1 })).status).toBe(200);
  }
}, 180_000);

describe("the drift demo (churn)", () => {
  it("flags exactly the column shifted by 2 std and the re-weighted categorical column", async () => {
    const rng = new Rng(7);
    const contracts = ["Month-to-month", "One year", "Two year"];
    const weights = [0.15, 0.25, 0.6]; // the training split has about 0.55 / 0.21 / 0.24
    const rows = draw(2000, 1).map((r, i) => {
      const u = rng.next();
      const contract = contracts[u < weights[0]! ? 0 : u < weights[0]! + weights[1]! ? 1 : 2]!;
      // Half the shifted values as numeric text: predict reads both, so does the report.
      const shifted = (r[SHIFTED] as number) + 2 * monthlyStd;
      return { ...r, [SHIFTED]: i % 2 ? String(shifted) : shifted, [REWEIGHTED]: contract };
    });
    await predictAll("churn", rows);

    const report = await reportWhenLogged("churn", 2000);
    print(report);
    expect(flagged(report).sort()).toEqual([REWEIGHTED, SHIFTED].sort());
    expect(report).toMatchObject({ name: "churn", version: 1, window: "1h", rows: 2000, share: 0.5, drifted_columns: 2, dataset_drifted: false });
    expect(report.reference_rows).toBeGreaterThan(1000);
    const byName = Object.fromEntries(report.columns.map((c: any) => [c.column, c]));
    expect(byName[SHIFTED]).toMatchObject({ test: "wasserstein_norm", threshold: 0.1, drifted: true, psi_band: "major", values: 2000 });
    expect(byName[SHIFTED].statistic).toBeGreaterThan(1.5); // a 2-std shift moves the mass about 2 std
    expect(byName[REWEIGHTED]).toMatchObject({ test: "jensen_shannon", threshold: 0.1, drifted: true });
    expect(byName.tenure).toMatchObject({ test: "wasserstein_norm", drifted: false });
    expect(byName.payment_method).toMatchObject({ test: "jensen_shannon", drifted: false });
    expect(report.columns).toHaveLength(19);
  });

  it("flags no column of an unshifted stream, served through another name", async () => {
    await predictAll("churn-clean", draw(2000, 2));
    const report = await reportWhenLogged("churn-clean", 2000);
    print(report);
    expect(flagged(report)).toEqual([]);
    expect(report.dataset_drifted).toBe(false);
    expect(report.columns.every((c: any) => c.psi_band === "none")).toBe(true);
  });

  it("with ?share= at 0.1 the re-weighted stream makes the dataset drift", async () => {
    const res = await api("GET", "/registered-models/churn/drift?window=1h&share=0.1&version=1");
    expect(res.body).toMatchObject({ drifted_columns: 2, dataset_drifted: true, share: 0.1 });
  });
});

describe("the drift report of a model id", () => {
  it("reads every prediction of the model, through any name", async () => {
    const res = await api("GET", `/models/${modelId}/drift?window=1h`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ model_id: modelId, window: "1h", rows: 4000, reference_rows: 5634 });
    expect(res.body.name).toBeUndefined();
    // Half the rows are shifted: the numeric shift still shows (about 1 std of mass moved).
    expect(res.body.columns.find((c: any) => c.column === SHIFTED).drifted).toBe(true);
  });

  it("answers 404 MODEL_NOT_FOUND for an unknown id", async () => {
    const res = await api("GET", "/models/model-0000000000000000/drift");
    expect([res.status, res.body.error.code]).toEqual([404, "MODEL_NOT_FOUND"]);
  });
});

describe("the scheduled drift check (job kind drift)", () => {
  it("stores each aliased version's report in drift_reports and sets mlw_drift_share / mlw_drift_column on the worker's /metrics", async () => {
    const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
    const query = async (where: string): Promise<any> => (await pool.query(`SELECT * FROM "${stack.iso.schema}".drift_reports WHERE ${where} ORDER BY id DESC LIMIT 1`)).rows[0];
    const eventually = async (where: string): Promise<any> => {
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
        const row = await query(where);
        if (row) return row;
      }
      throw new Error(`no drift_reports row where ${where}`);
    };
    try {
      // A check that saw both full streams, then the start of the next check: the gauges are set.
      const churn = await eventually("name = 'churn' AND rows = 2000");
      const clean = await eventually(`name = 'churn-clean' AND rows = 2000 AND id > ${churn.id}`);
      await eventually(`id > ${clean.id}`);
      expect(churn).toMatchObject({ name: "churn", version: 1, window: "1h", rows: 2000, dataset_drifted: false });
      expect(flagged(churn.report).sort()).toEqual([REWEIGHTED, SHIFTED].sort());
      expect(flagged(clean.report)).toEqual([]);
    } finally {
      await pool.end();
    }

    const port = stack.workers[0]!.logs.find((l) => l.msg === "worker metrics listening")!.port;
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1]);
    expect(value('mlw_drift_share{model="churn",version="1"}')).toBeCloseTo(2 / 19, 10);
    expect(value('mlw_drift_column{model="churn",version="1",column="monthly_charges"}')).toBe(1);
    expect(value('mlw_drift_column{model="churn",version="1",column="contract"}')).toBe(1);
    expect(value('mlw_drift_column{model="churn",version="1",column="tenure"}')).toBe(0);
    expect(value('mlw_drift_share{model="churn-clean",version="1"}')).toBe(0);
  });
});

describe("what the drift report refuses", () => {
  it("answers 422 TOO_FEW_ROWS below 100 logged rows, instead of guessing", async () => {
    expect((await api("POST", "/registered-models", { name: "churn-quiet" })).status).toBe(201);
    const churn = await api("GET", "/registered-models/churn/versions/1");
    await api("POST", "/registered-models/churn-quiet/versions", { model_id: churn.body.model_id });
    await api("PUT", "/registered-models/churn-quiet/aliases/champion", { version: 1 });
    await predictAll("churn-quiet", draw(99, 3));
    await new Promise((r) => setTimeout(r, 1500)); // the log writes at least every second
    const res = await api("GET", "/registered-models/churn-quiet/drift?window=1h");
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "TOO_FEW_ROWS", details: { rows: 99, min_rows: 100 } });
  });

  it.each([
    ["/registered-models/nope/drift", 404, "REGISTERED_MODEL_NOT_FOUND"],
    ["/registered-models/churn/drift?version=9", 404, "VERSION_NOT_FOUND"],
    ["/registered-models/churn/drift?window=24", 400, "VALIDATION_ERROR"],
    ["/registered-models/churn/drift?window=0h", 400, "VALIDATION_ERROR"],
    ["/registered-models/churn/drift?share=0", 400, "VALIDATION_ERROR"],
    ["/registered-models/churn/drift?share=2", 400, "VALIDATION_ERROR"],
  ])("GET %s answers %i %s", async (url, status, code) => {
    const res = await api("GET", url);
    expect([res.status, res.body.error?.code]).toEqual([status, code]);
    expect(res.body.error.message).toEqual(expect.any(String));
  });

  it("answers 404 ALIAS_NOT_FOUND for a name without champion when no version is given", async () => {
    expect((await api("POST", "/registered-models", { name: "churn-bare" })).status).toBe(201);
    const res = await api("GET", "/registered-models/churn-bare/drift");
    expect([res.status, res.body.error.code]).toEqual([404, "ALIAS_NOT_FOUND"]);
  });
});
