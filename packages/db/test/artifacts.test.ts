import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fsArtifactStore } from "../src";

let tmp: string;
let dir: string;
let outside: string;

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "mlw-artifacts-"));
  dir = path.join(tmp, "models");
  mkdirSync(path.join(dir, "sub"), { recursive: true });
  outside = path.join(tmp, "victim.mlw");
  writeFileSync(outside, "not yours");
  writeFileSync(path.join(dir, "sub", "nested.mlw"), "too deep");
  writeFileSync(`${dir}-evil.mlw`, "a sibling with MODELS_DIR as its prefix");
});

afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** The call's outcome as a promise. */
const attempt = <T>(f: () => Promise<T>): Promise<T> => f();

describe("fsArtifactStore", () => {
  it("writes a model into MODELS_DIR, reads it back and removes it", async () => {
    const store = fsArtifactStore(dir);
    const uri = await store.put("model-00000000000000aa", Buffer.from([1, 2, 3]));
    const file = path.join(dir, "model-00000000000000aa.mlw");
    expect(uri).toBe(`file://${file}`);
    expect(Array.from(readFileSync(file))).toEqual([1, 2, 3]);
    expect(Array.from(await store.get(uri))).toEqual([1, 2, 3]);
    await store.remove(uri);
    expect(existsSync(file)).toBe(false);
  });

  it("keeps its own files in a MODELS_DIR whose path has a space, a % and a #", async () => {
    const odd = path.join(tmp, "my models %20 #1");
    const store = fsArtifactStore(odd);
    const uri = await store.put("model-00000000000000bb", Buffer.from([4, 5]));
    expect(Array.from(await store.get(uri))).toEqual([4, 5]);
    await store.remove(uri);
    expect(existsSync(path.join(odd, "model-00000000000000bb.mlw"))).toBe(false);
  });

  it.each([
    ["an absolute file elsewhere", () => `file://${outside}`],
    ["a path climbing out with ..", () => `file://${dir}/../victim.mlw`],
    ["a path climbing out with encoded dots", () => `file://${dir}/%2e%2e/victim.mlw`],
    ["a file in a subfolder", () => `file://${dir}/sub/nested.mlw`],
    ["a sibling whose name starts with MODELS_DIR", () => `file://${dir}-evil.mlw`],
    ["a plain path without the file scheme", () => outside],
    ["another scheme", () => `http://localhost${outside}`],
  ])("refuses to read or remove %s", async (_name, uriOf) => {
    const store = fsArtifactStore(dir);
    const uri = uriOf();
    await expect(attempt(() => store.get(uri))).rejects.toThrow();
    await expect(attempt(() => store.remove(uri))).rejects.toThrow();
    expect(readFileSync(outside, "utf8")).toBe("not yours");
    expect(existsSync(path.join(dir, "sub", "nested.mlw"))).toBe(true);
    expect(existsSync(`${dir}-evil.mlw`)).toBe(true);
  });

  it("names MODELS_DIR when it refuses a file URI outside it", async () => {
    await expect(attempt(() => fsArtifactStore(dir).get(`file://${outside}`))).rejects.toThrow(/outside MODELS_DIR/);
  });
});
