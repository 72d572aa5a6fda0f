import { spawnSync } from "node:child_process";
import path from "node:path";

/** What a process that logs one event through `createLogger` writes to its stdout. */
function logLine(format?: string): string {
  const logger = path.resolve(__dirname, "../src/logger.ts");
  const script = `require(${JSON.stringify(logger)}).createLogger("mlw-test", "info", ${JSON.stringify(format)}).info({ jobId: "j1", ms: 3 }, "train finished")`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

describe("createLogger", () => {
  it("writes one JSON object per line by default", () => {
    expect(JSON.parse(logLine().trim())).toMatchObject({ service: "mlw-test", msg: "train finished", jobId: "j1", ms: 3, level: 30 });
  });

  it("writes pretty lines for a person with LOG_FORMAT=pretty", () => {
    const out = logLine("pretty");
    expect(out).toMatch(/INFO.*train finished/);
    expect(out).toMatch(/jobId: "j1"/);
    expect(() => JSON.parse(out)).toThrow();
  });
});
