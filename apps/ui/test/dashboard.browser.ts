import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { ADMIN_KEY, call, DATA_DIR, pollJob, useStack } from "../../api/test/support/stack";

/**
 * The dashboard in Debian's Chromium against the real stack (API + one worker): log in, a
 * finished study's charts, a model's confusion matrix, the registry after an alias move, and
 * monitoring. Every page must log no console error; each page's screenshot goes to SCREENSHOTS.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOTS = process.env.UI_SCREENSHOTS ?? path.join(os.tmpdir(), `mlw-ui-screenshots-${Date.now()}`);
const SPACE = {
  n_estimators: { type: "int", low: 5, high: 20 },
  max_depth: { type: "int", low: 2, high: 6 },
  max_features: { type: "categorical", choices: ["sqrt", "log2", null] },
};

const stack = useStack({ workers: 1 });
let context: BrowserContext;
let page: Page;
let userDataDir: string;
const consoleErrors: string[] = [];
const fixture = {} as { studyId: string; modelId: string; otherModelId: string };

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  console.log(`dashboard screenshots: ${SCREENSHOTS}`);
  const [study, other] = await Promise.all([
    call(stack.api.url, "POST", "/optimize", { dataset_path: "wine.csv", target_column: "cultivar", algorithm: "RandomForestClassifier", n_trials: 8, cv_folds: 3, random_state: 4, train_best: true, search_space: SPACE }),
    call(stack.api.url, "POST", "/train?wait=120", { dataset_path: "wine.csv", target_column: "cultivar", algorithm: "LogisticRegression", random_state: 4 }),
  ]);
  expect(study.status).toBe(202);
  expect(other.status).toBe(200);
  const done = await pollJob(stack.api.url, study.body.job_id, 170_000);
  expect(done.state).toBe("completed");
  fixture.studyId = study.body.study_id;
  fixture.modelId = (await call(stack.api.url, "GET", `/studies/${fixture.studyId}`)).body.model_id;
  fixture.otherModelId = other.body.model_id;

  userDataDir = mkdtempSync(path.join(os.tmpdir(), "mlw-chromium-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (msg) => msg.type() === "error" && consoleErrors.push(`${page.url()}: ${msg.text()} (${msg.location().url})`));
  page.on("pageerror", (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
}, 240_000);

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

afterEach(() => {
  // No console error on any page.
  const errors = consoleErrors.splice(0);
  expect(errors).toEqual([]);
});

/** Opens the dashboard at `hash` (loaded afresh) and waits for `selector`. */
async function open(hash: string, selector: string): Promise<void> {
  const url = `${stack.api.url}/ui/${hash}`;
  if (page.url() === url) await page.reload();
  else await page.goto(url);
  await page.waitForSelector(selector, { timeout: 30_000 });
}

const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

/** The body cells of the data table of chart `name`, row by row. */
const chartRows = (name: string) => page.$$eval(`figure[data-chart="${name}"] details table tbody tr`, (rows) => rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent ?? "")));

it("shows a login form, refuses a wrong key, and logs in with an API key", async () => {
  await open("", "form.login");
  await shot("login");
  await page.fill("input[name=api_key]", "mlw_wrong_key_wrong_key_wrong_key_wrong_key");
  await page.click("form.login button[type=submit]");
  await expect(page.textContent("[role=alert]", { timeout: 10_000 })).resolves.toContain("UNAUTHENTICATED");
  consoleErrors.length = 0; // the browser logs the refused login's 401 itself: that one is expected
  await page.fill("input[name=api_key]", ADMIN_KEY);
  await page.click("form.login button[type=submit]");
  await page.waitForSelector("header nav");
  const cookies = await context.cookies(stack.api.url);
  expect(cookies).toEqual([expect.objectContaining({ name: "mlw_session", httpOnly: true, sameSite: "Strict" })]);
  expect(cookies[0]!.value).not.toContain(ADMIN_KEY);
});

it("lists studies", async () => {
  await open("#/studies", "[data-list=studies]");
  await expect(page.textContent("[data-list=studies]")).resolves.toContain(fixture.studyId);
  // Trials done / total, as the API counts them.
  const study = (await call(stack.api.url, "GET", `/studies/${fixture.studyId}`)).body;
  const shown = await page.$eval(`[data-list=studies] tr:has(a[href="#/studies/${fixture.studyId}"]) td[data-trials]`, (td) => td.textContent);
  expect(shown).toBe(`${study.trials_done}/${study.n_trials}`);
  await shot("studies");
});

it("shows a finished study: one history point per complete trial, and the importance of every parameter", async () => {
  const study = (await call(stack.api.url, "GET", `/studies/${fixture.studyId}`)).body;
  const complete = study.trials.filter((t: any) => t.state === "complete");
  expect(complete.length).toBeGreaterThan(0);
  await open(`#/studies/${fixture.studyId}`, 'figure[data-chart="history"]');
  const history = await chartRows("history");
  expect(history.map((r) => Number(r[0]))).toEqual(complete.map((t: any) => t.number));
  expect(await page.getAttribute('figure[data-chart="history"]', "data-rows")).toBe(String(complete.length));
  const slices = await page.$$eval("figure.chart[data-chart^=slice-]", (f) => f.map((x) => x.getAttribute("data-chart")));
  expect(slices.sort()).toEqual(Object.keys(SPACE).map((p) => `slice-${p}`).sort());
  expect(await chartRows("parallel")).toHaveLength(complete.length);

  const importance = await call(stack.api.url, "GET", `/studies/${fixture.studyId}/importance`);
  if (importance.status === 404 && importance.body.error.code === "NOT_FOUND") {
    // A server without the importance route (it lands with the fANOVA change): the page says so.
    await expect(page.textContent("section[data-study]")).resolves.toContain("does not compute hyperparameter importance");
  } else {
    expect(importance.status).toBe(200);
    await page.waitForSelector('figure[data-chart="importance"]');
    const listed = (await chartRows("importance")).map((r) => r[0]);
    expect([...listed].sort()).toEqual(Object.keys(SPACE).sort());
    expect(listed).toEqual(importance.body.importances.map((i: any) => i.param));
  }
  await shot("study");
});

it("shows a model page whose confusion-matrix cells equal the API's matrix", async () => {
  const evaluation = (await call(stack.api.url, "GET", `/model/${fixture.modelId}/evaluate?wait=60`)).body;
  expect(evaluation.confusion_matrix).toHaveLength(3);
  await open(`#/models/${fixture.modelId}`, "table[data-matrix=confusion]");
  const cells = await page.$$eval("table[data-matrix=confusion] td[data-cell]", (tds) => tds.map((td) => [td.getAttribute("data-cell"), Number(td.textContent)] as const));
  const expected = evaluation.confusion_matrix.flatMap((row: number[], i: number) => row.map((v, j) => [`${i},${j}`, v]));
  expect(cells).toEqual(expected);
  expect((await chartRows("feature-importance")).length).toBeGreaterThan(0);
  await shot("model");
  await open("#/models", "[data-list=models]");
  await expect(page.textContent("[data-list=models]")).resolves.toContain(fixture.otherModelId);
  await shot("models");
});

it("shows a binary model's ROC curve with the API's points, and none for a multi-class model", async () => {
  const trained = await call(stack.api.url, "POST", "/train?wait=120", { dataset_path: "breast_cancer.csv", target_column: "diagnosis", algorithm: "LogisticRegression", random_state: 1 });
  expect(trained.status).toBe(200);
  const evaluation = (await call(stack.api.url, "GET", `/model/${trained.body.model_id}/evaluate?wait=60`)).body;
  const curve = evaluation.roc_curve as { fpr: number[]; tpr: number[]; thresholds: (number | null)[] };
  expect(curve.fpr[0]).toBe(0);
  expect([curve.fpr.at(-1), curve.tpr.at(-1)]).toEqual([1, 1]);
  await open(`#/models/${trained.body.model_id}`, 'figure[data-chart="roc"]');
  const shown = await chartRows("roc");
  const round = (v: number | null) => (v === null ? "—" : String(Number.isInteger(v) ? v : Number(v.toPrecision(4))));
  expect(shown).toEqual(curve.fpr.map((x, i) => [round(x), round(curve.tpr[i]!), round(curve.thresholds[i]!)]));
  await shot("model-roc");
  // the multi-class model's own page (a hash change: the binary model's page, with its own matrix, may still be shown a moment)
  await open(`#/models/${fixture.modelId}`, `section[data-model="${fixture.modelId}"] table[data-matrix=confusion]`);
  expect(await page.$('figure[data-chart="roc"]')).toBeNull();
});

it("shows a regressor's residuals as the API summarises them", async () => {
  const trained = await call(stack.api.url, "POST", "/train?wait=120", { dataset_path: "diabetes.csv", target_column: "progression", algorithm: "Ridge", random_state: 1 });
  expect(trained.status).toBe(200);
  const evaluation = (await call(stack.api.url, "GET", `/model/${trained.body.model_id}/evaluate?wait=60`)).body;
  await open(`#/models/${trained.body.model_id}`, 'figure[data-chart="residuals"]');
  const columns = await page.$$eval('figure[data-chart="residuals"] thead th', (ths) => ths.map((th) => th.textContent ?? ""));
  const [row] = await chartRows("residuals");
  const shown = Object.fromEntries(columns.map((c, j) => [c, Number(row![j])]));
  const expected = Object.fromEntries(Object.entries(evaluation.residuals as Record<string, number>).map(([k, v]) => [k, Number(v.toPrecision(4))]));
  expect(shown).toEqual(expected);
  await shot("model-regression");
});

it("compares two models side by side, the best per metric as the API says", async () => {
  const api = (await call(stack.api.url, "GET", `/models/compare?ids=${fixture.modelId},${fixture.otherModelId}`)).body;
  await open("#/models", "[data-list=models]");
  await page.check(`input[data-compare="${fixture.modelId}"]`);
  await page.check(`input[data-compare="${fixture.otherModelId}"]`);
  await page.click("a.button");
  await page.waitForSelector("table[data-matrix=compare]");
  const cells = await page.$$eval("table[data-matrix=compare] td[data-metric]", (tds) => tds.map((td) => [td.getAttribute("data-metric"), td.getAttribute("data-model"), Number(td.textContent), td.getAttribute("data-best")]));
  const expected = Object.keys(api.best).flatMap((k) => api.models.map((m: any) => [k, m.model_id, Number(Number(m.metrics[k]).toPrecision(4)), String(api.best[k] === m.model_id)]));
  expect(cells).toEqual(expected);
  await shot("compare");
});

it("shows the registry after an alias move: versions, the alias where it now points, its history and the traffic split", async () => {
  const name = "wine-ui";
  expect((await call(stack.api.url, "POST", "/registered-models", { name })).status).toBe(201);
  for (const id of [fixture.modelId, fixture.otherModelId]) expect((await call(stack.api.url, "POST", `/registered-models/${name}/versions`, { model_id: id })).status).toBe(201);
  await call(stack.api.url, "PUT", `/registered-models/${name}/aliases/champion`, { version: 1 });
  const moved = await call(stack.api.url, "PUT", `/registered-models/${name}/aliases/champion`, { version: 2 });
  await call(stack.api.url, "PUT", `/registered-models/${name}/aliases/challenger`, { version: 1 });
  expect(moved.body.previous_version).toBe(1);
  expect((await call(stack.api.url, "PUT", `/registered-models/${name}/traffic`, { routes: [{ alias: "champion", weight: 9 }, { alias: "challenger", weight: 1 }] })).status).toBe(200);

  await open(`#/registry/${name}`, "[data-list=alias-history]");
  expect(await page.getAttribute("tr[data-alias=champion]", "data-version")).toBe("2");
  const history = await page.$$eval("[data-list=alias-history] tbody tr", (rows) => rows.map((r) => [...r.querySelectorAll("td")].slice(1, 4).map((td) => td.textContent)));
  expect(await page.getAttribute("tr[data-alias=challenger]", "data-version")).toBe("1");
  expect(history).toEqual([["challenger", "—", "1"], ["champion", "1", "2"], ["champion", "—", "1"]]);
  expect(await chartRows("traffic")).toEqual([["champion", "9", "0.9"], ["challenger", "1", "0.1"]]);
  await shot("registry");
  await open("#/registry", "[data-list=registered-models]");
});

it("shows a registered model without a traffic policy, asking the API nothing that fails", async () => {
  expect((await call(stack.api.url, "POST", "/registered-models", { name: "wine-bare" })).status).toBe(201);
  expect((await call(stack.api.url, "POST", "/registered-models/wine-bare/versions", { model_id: fixture.otherModelId })).status).toBe(201);
  await open("#/registry/wine-bare", "section[data-registered-model=wine-bare]");
  await page.waitForSelector("text=No traffic policy");
});

it("shows monitoring with an empty state before predictions are logged, and the Bull Board link for an admin", async () => {
  await open("#/monitoring/wine-ui", "p.empty");
  await expect(page.textContent("main")).resolves.toMatch(/No drift report yet/);
  expect(await page.getAttribute("a[href='/admin/queues']", "href")).toBe("/admin/queues");
  await shot("monitoring");
});

it("shows drift per column once the champion has served enough predictions", async () => {
  const [header, ...lines] = readFileSync(path.join(DATA_DIR, "wine.csv"), "utf8").trim().split("\n");
  const columns = header!.split(",").filter((c) => c !== "cultivar");
  const rows = lines.slice(0, 150).map((line) => Object.fromEntries(line.split(",").slice(0, columns.length).map((v, j) => [columns[j]!, Number(v)])));
  expect((await call(stack.api.url, "POST", "/registered-models/wine-ui/predict?alias=champion", { rows })).status).toBe(200);
  // The prediction log is written after the answer: wait until the 150 rows are counted.
  for (let i = 0; i < 50; i++) {
    const perf = (await call(stack.api.url, "GET", "/registered-models/wine-ui/performance?window=7d")).body;
    if (perf.versions.find((v: any) => v.version === 2)?.n_predictions >= 150) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await open("#/monitoring/wine-ui", 'figure[data-chart="drift"]');
  const drift = (await call(stack.api.url, "GET", "/registered-models/wine-ui/drift?window=7d")).body;
  expect((await chartRows("drift")).map((r) => [r[0], r[4]])).toEqual(drift.columns.map((c: any) => [c.column, String(c.drifted)]));
  expect([...drift.columns.map((c: any) => c.column)].sort()).toEqual([...columns].sort());
  // Prediction volume and latency per version, as the API measures them.
  const perf = (await call(stack.api.url, "GET", "/registered-models/wine-ui/performance?window=7d")).body;
  const v2 = perf.versions.find((v: any) => v.version === 2);
  const cells = await page.$$eval("[data-list=performance] tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
  const row = cells.find((c) => c[0] === "2")!;
  const fmt = (v: number) => String(Number.isInteger(v) ? v : Number(v.toPrecision(4)));
  expect(row.slice(0, 5)).toEqual(["2", String(v2.n_predictions), String(v2.n_requests), fmt(v2.latency_p50_ms), fmt(v2.latency_p99_ms)]);
  await shot("monitoring-drift");
});

it("updates a running study's page by itself until the study finishes", async () => {
  const started = await call(stack.api.url, "POST", "/optimize", {
    dataset_path: "churn.csv", target_column: "Churn", algorithm: "RandomForestClassifier", n_trials: 10, cv_folds: 3, random_state: 5,
    search_space: { n_estimators: { type: "int", low: 30, high: 60 }, max_depth: { type: "int", low: 4, high: 10 } },
  });
  expect(started.status).toBe(202);
  await open(`#/studies/${started.body.study_id}`, "section[data-study]");
  expect(await page.getAttribute("section[data-study]", "data-state")).toBe("running");
  // No reload from here on: the page polls.
  await page.waitForSelector('section[data-study][data-state="complete"]', { timeout: 170_000 });
  const study = (await call(stack.api.url, "GET", `/studies/${started.body.study_id}`)).body;
  const complete = study.trials.filter((t: any) => t.state === "complete").map((t: any) => t.number);
  expect(complete).toHaveLength(10);
  expect((await chartRows("history")).map((r) => Number(r[0]))).toEqual(complete);
}, 180_000);

it("cancels a running study from its page, then runs more trials of it", async () => {
  const started = await call(stack.api.url, "POST", "/optimize", { dataset_path: "wine.csv", target_column: "cultivar", algorithm: "RandomForestClassifier", n_trials: 60, cv_folds: 3, random_state: 6, search_space: SPACE });
  expect(started.status).toBe(202);
  const id = started.body.study_id;
  await open(`#/studies/${id}`, 'section[data-study][data-state="running"] button[name=cancel]');
  await page.click("button[name=cancel]");
  await page.waitForSelector('section[data-study][data-state="cancelled"]', { timeout: 15_000 });
  expect(await page.$("button[name=cancel]")).toBeNull();
  const cancelled = (await call(stack.api.url, "GET", `/studies/${id}`)).body;
  expect(cancelled.state).toBe("cancelled");
  expect(cancelled.trials.some((t: any) => t.state === "running")).toBe(false);
  await shot("study-cancelled");

  await page.fill("input[name=n_trials]", "2");
  await page.click("button[name=continue]");
  // No reload from here on: the page polls while the study runs again.
  await page.waitForSelector('section[data-study][data-state="complete"]', { timeout: 120_000 });
  const study = (await call(stack.api.url, "GET", `/studies/${id}`)).body;
  expect(study.n_trials).toBe(cancelled.trials.length + 2);
  expect(study.trials).toHaveLength(cancelled.trials.length + 2);
  await expect(page.textContent("section[data-study] p")).resolves.toContain(`of ${study.n_trials} trials complete`);
}, 150_000);

it("logs out: the data calls are refused and the login form is back", async () => {
  await page.click("header button");
  await page.waitForSelector("form.login");
  const status = await page.evaluate(async () => (await fetch("/models")).status);
  expect(status).toBe(401);
  consoleErrors.length = 0; // that refused fetch is the browser's own log line
});

it("applies a reader key's role: studies and models open, the evaluation (a trainer's job) is not started", async () => {
  const reader = (await call(stack.api.url, "POST", "/admin/keys", { name: "ui-reader", role: "reader" })).body.key;
  await open("", "form.login");
  await page.fill("input[name=api_key]", reader);
  await page.click("form.login button[type=submit]");
  await page.waitForSelector("header nav");
  await expect(page.textContent("header .who")).resolves.toContain("ui-reader (reader)");
  await open(`#/models/${fixture.modelId}`, "section[data-model]");
  await expect(page.textContent("section[data-model]")).resolves.toContain("needs a trainer or admin key");
  await open(`#/studies/${fixture.studyId}`, 'figure[data-chart="history"]');
  expect(await page.$("form.actions")).toBeNull(); // no cancel or continue for a reader
  expect(await page.$("table[data-matrix=confusion]")).toBeNull();
  await open("#/monitoring", "h1");
  expect(await page.$("a[href='/admin/queues']")).toBeNull();
  const status = await page.evaluate(async () => (await fetch("/admin/keys")).status);
  expect(status).toBe(403);
  consoleErrors.length = 0; // that refused fetch is the browser's own log line
});
