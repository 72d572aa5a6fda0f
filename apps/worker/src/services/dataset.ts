import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { resolveDatasetPath } from "@mlw/runtime";
import { readCsv, type Table } from "@mlw/ml-core/data";
import { env } from "../env";

/** A dataset read from DATA_DIR, with the hash that identifies its content. */
export interface LoadedDataset {
  readonly file: string;
  readonly sha256: string;
  readonly table: Table;
}

const cache = new Map<string, Promise<LoadedDataset>>();
const CACHE_SIZE = 4;

/**
 * Reads `datasetPath` (relative to DATA_DIR or absolute inside it). Recently read files are kept
 * in a small per-thread cache keyed by path, size and mtime: optimisation trials read the same
 * file again and again.
 */
export async function loadDataset(datasetPath: string): Promise<LoadedDataset> {
  const e = env();
  const file = await resolveDatasetPath(e.DATA_DIR, datasetPath);
  const info = await stat(file);
  const key = `${file}:${info.size}:${info.mtimeMs}`;
  let entry = cache.get(key);
  if (!entry) {
    entry = (async () => {
      const [sha256, table] = await Promise.all([hashFile(file), readCsv(file, { maxBytes: e.MAX_DATASET_BYTES })]);
      return { file, sha256, table };
    })();
    cache.set(key, entry);
    entry.catch(() => cache.delete(key));
    while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  } else {
    cache.delete(key);
    cache.set(key, entry);
  }
  return entry;
}

function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}
