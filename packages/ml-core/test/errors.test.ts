import { readdirSync, existsSync } from "node:fs";
import * as path from "node:path";
import { MlError } from "../src/core/errors";

// Every error class ml-core exports is an MlError, so the API's error middleware answers it with
// its code and status and the worker does not retry a user's mistake. Found by walking the
// package's entry points (src/index.ts and every folder's index.ts), so a new one is covered.
const SRC = path.join(__dirname, "..", "src");
const entries = ["index.ts", ...readdirSync(SRC).filter((d) => existsSync(path.join(SRC, d, "index.ts"))).map((d) => `${d}/index.ts`)];

function errorClasses(): Map<string, { prototype: unknown }> {
  const found = new Map<string, { prototype: unknown }>();
  for (const entry of entries) {
    const mod = jest.requireActual<Record<string, unknown>>(path.join(SRC, entry));
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === "function" && value.prototype instanceof Error) found.set(name, value);
    }
  }
  return found;
}

describe("ml-core's error classes", () => {
  it("all extend MlError", () => {
    const classes = errorClasses();
    // the walk finds exports: the known ones are among them
    expect([...classes.keys()]).toEqual(expect.arrayContaining(["MlError", "DataError", "InvalidHyperparameterError", "NotFittedError", "InvalidSearchSpaceError"]));
    const others = [...classes].filter(([, cls]) => cls !== MlError && !(cls.prototype instanceof MlError)).map(([name]) => name);
    expect(others).toEqual([]);
  });
});
