import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readEvents } from "./support/sse";
import { ADMIN_KEY, call, useStack } from "./support/stack";

/** Validates an OpenAPI document with @seriousme/openapi-schema-validator's CLI (the package is ESM only). */
function validateOpenApi(doc: unknown): { valid: boolean; output: string } {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "mlw-openapi-")), "openapi.json");
  writeFileSync(file, JSON.stringify(doc));
  const cli = path.join(path.dirname(require.resolve("@seriousme/openapi-schema-validator")), "bin", "validate-api-cli.js");
  const r = spawnSync(process.execPath, [cli, file], { encoding: "utf8" });
  return { valid: r.status === 0, output: r.stdout + r.stderr };
}

const stack = useStack({ workers: 1 });

describe("the API contract", () => {
  it("/openapi.json is a valid OpenAPI 3.1 document with the bearer scheme and the error envelope", async () => {
    const res = await call(stack.api.url, "GET", "/openapi.json", undefined, { key: null });
    expect(res.status).toBe(200);
    const doc = res.body;
    const result = validateOpenApi(doc);
    expect(result.output).toMatch(/valid/i);
    expect(result.valid).toBe(true);
    // The validator refuses what is not a valid document.
    expect(validateOpenApi({ ...doc, paths: { "/x": { get: { responses: { 200: { content: 3 } } } } } }).valid).toBe(false);
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.schemas.Error).toBeDefined();
    expect(doc.paths["/train"].post.requestBody.content["application/json"].schema).toBeDefined();
    expect(doc.paths["/health"].get.security).toEqual([]);
  });

  it("/docs serves the interactive docs and their assets from this server", async () => {
    const page = await fetch(`${stack.api.url}/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/swagger-ui/i);
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    const bundle = await fetch(`${stack.api.url}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    const init = await (await fetch(`${stack.api.url}/docs/swagger-ui-init.js`)).text();
    expect(init).toContain("/openapi.json");
  });
});

describe("GET /jobs/{id}/events", () => {
  it("follows a train job to completed, with its progress, then ends", async () => {
    const job = await call(stack.api.url, "POST", "/train", { dataset_path: "wine.csv", target_column: "cultivar", algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 50 } });
    const { events } = await readEvents(`${stack.api.url}/jobs/${job.body.job_id}/events`, ADMIN_KEY);
    const last = events[events.length - 1]!;
    expect(last.event).toBe("completed");
    expect(last.data).toMatchObject({ job_id: job.body.job_id, result: { model_id: expect.stringMatching(/^model-/), metrics: { accuracy: expect.any(Number) } } });
    expect(events.filter((e) => e.event === "progress").length).toBeGreaterThan(0);
    expect(events.filter((e) => e.event === "completed")).toHaveLength(1);

    // A job that has ended gets its final event at once.
    const again = await readEvents(`${stack.api.url}/jobs/${job.body.job_id}/events`, ADMIN_KEY);
    expect(again.events).toEqual([last]);
  });

  it("sends the failure envelope for a failed job", async () => {
    const job = await call(stack.api.url, "POST", "/train", { dataset_path: "iris.csv", target_column: "species", algorithm: "LinearRegression" });
    expect(job.status).toBe(202);
    const { events } = await readEvents(`${stack.api.url}/jobs/${job.body.job_id}/events`, ADMIN_KEY);
    expect(events[events.length - 1]).toEqual({ event: "failed", data: { job_id: job.body.job_id, error: { code: "NON_NUMERIC_TARGET", status: 422, message: expect.stringContaining("species"), details: { target: "species" } } } });
  });

  it("answers 404 for an unknown job, and 401 without a key", async () => {
    expect((await readEvents(`${stack.api.url}/jobs/train-0b0e0a1c-2d3e-4f50-8a6b-7c8d9e0f1a2b/events`, ADMIN_KEY)).status).toBe(404);
    expect((await readEvents(`${stack.api.url}/jobs/train-0b0e0a1c-2d3e-4f50-8a6b-7c8d9e0f1a2b/events`)).status).toBe(401);
  });
});
