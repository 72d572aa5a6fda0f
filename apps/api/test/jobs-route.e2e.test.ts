import http from "node:http";
import { ADMIN_KEY, call, useStack } from "./support/stack";

// No worker: a job the API enqueued stays waiting, which is all these tests need.
const stack = useStack({ workers: 0 });

/**
 * A GET sent with its path exactly as written. fetch() normalises `/jobs/../../x` to `/x`
 * before sending it, so a test made with fetch never reaches the jobs route with such a path.
 */
function rawGet(path: string): Promise<{ status: number; type: string; body: any }> {
  const { hostname, port } = new URL(stack.api.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path, method: "GET", headers: { authorization: `Bearer ${ADMIN_KEY}` } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON: the assertions on body say so */
        }
        resolve({ status: res.statusCode!, type: String(res.headers["content-type"]), body });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** The error envelope, and nothing else: `{error: {code, message}}`, JSON, no stack trace. */
function expectErrorEnvelope(res: { status: number; type: string; body: any }, code: string): void {
  expect(res.status).toBe(404);
  expect(res.type).toMatch(/^application\/json/);
  expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
  expect(JSON.stringify(res.body)).not.toMatch(/\n\s+at /);
}

describe("GET /jobs/{id} with ids that are not job ids", () => {
  it("answers a waiting job for a real id (the route under test works)", async () => {
    const res = await call(stack.api.url, "POST", "/train", { dataset_path: "iris.csv", target_column: "species", algorithm: "RandomForestClassifier" });
    expect(res.status).toBe(202);
    const job = await rawGet(`/jobs/${res.body.job_id}`);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ job_id: res.body.job_id, state: "waiting" });
  });

  it("answers 404 JOB_NOT_FOUND for an id of a known kind but a malformed uuid", async () => {
    const res = await rawGet("/jobs/train-not-a-uuid");
    expectErrorEnvelope(res, "JOB_NOT_FOUND");
    expect(res.body.error.message).toContain('"train-not-a-uuid"');
  });

  it.each([
    ["/jobs/..%2F..%2Fx", "../../x"],
    ["/jobs/train-..%2F..%2Fx", "train-../../x"],
    ["/jobs/%2e%2e", ".."],
  ])("answers 404 JOB_NOT_FOUND for %s, whose id decodes to a path", async (path, id) => {
    const res = await rawGet(path);
    expectErrorEnvelope(res, "JOB_NOT_FOUND");
    expect(res.body.error.message).toContain(JSON.stringify(id)); // it reached the jobs route, decoded
  });

  it("answers the 404 envelope for /jobs/../../x sent verbatim (not normalised away)", async () => {
    const res = await rawGet("/jobs/../../x");
    expectErrorEnvelope(res, "NOT_FOUND");
    expect(res.body.error.message).toContain("/jobs/../../x"); // the server saw the raw path
  });
});

describe("paths whose percent-encoding is malformed", () => {
  it.each(["/jobs/%E0%A4%A", "/models/%E0%A4%A", "/studies/%ZZ"])("answers %s with 400 INVALID_PATH, not a 500", async (path) => {
    const res = await rawGet(path);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: "INVALID_PATH", message: expect.any(String) } });
  });
});
