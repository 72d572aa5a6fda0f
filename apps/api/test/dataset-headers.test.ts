import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { resolveDatasetFile } from "@mlw/runtime";
import { DatasetHeaders } from "../src/dataset-headers";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "mlw-headers-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const headerOf = async (headers: DatasetHeaders, name: string) => headers.of(await resolveDatasetFile(dir, name));

it("answers a file's header, and the new one once the file is rewritten", async () => {
  const headers = new DatasetHeaders();
  writeFileSync(path.join(dir, "a.csv"), "x,y\n1,2\n");
  expect(await headerOf(headers, "a.csv")).toEqual(["x", "y"]);
  writeFileSync(path.join(dir, "a.csv"), "x,y,z\n1,2,3\n");
  expect(await headerOf(headers, "a.csv")).toEqual(["x", "y", "z"]);
});

it("refuses a bad header every time: a refusal is not kept", async () => {
  const headers = new DatasetHeaders();
  writeFileSync(path.join(dir, "dupes.csv"), "a,b,a\n1,2,3\n");
  for (let i = 0; i < 2; i++) await expect(headerOf(headers, "dupes.csv")).rejects.toMatchObject({ code: "DUPLICATE_HEADER" });
});

it("keeps at most `max` files, dropping the least recently used", async () => {
  const headers = new DatasetHeaders(2);
  for (const name of ["a", "b", "c"]) writeFileSync(path.join(dir, `${name}.csv`), `${name}1,${name}2\n1,2\n`);
  const files = Object.fromEntries(await Promise.all(["a", "b", "c"].map(async (n) => [n, await resolveDatasetFile(dir, `${n}.csv`)] as const)));
  await headers.of(files.a!);
  await headers.of(files.b!);
  await headers.of(files.a!); // a is now the most recently used
  await headers.of(files.c!); // drops b
  // A kept header is answered without reading the file: its stale version still answers it.
  rmSync(path.join(dir, "a.csv"));
  rmSync(path.join(dir, "b.csv"));
  expect(await headers.of(files.a!)).toEqual(["a1", "a2"]);
  await expect(headers.of(files.b!)).rejects.toMatchObject({ code: "FILE_NOT_FOUND" });
});
