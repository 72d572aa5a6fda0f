import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { getDataset, type DatasetStore, type Db } from "@mlw/db";
import type { DatasetSource } from "@mlw/jobs";
import { MlError } from "@mlw/ml-core";
import { readCsv, type Table } from "@mlw/ml-core/data";
import { resolveDatasetPath } from "@mlw/runtime";
import { env } from "../env";
import { cachedDatasetFile } from "./dataset-cache";

/** A dataset read from DATA_DIR or fetched by id, with the hash that identifies its content. */
export interface LoadedDataset {
  readonly file: string;
  readonly sha256: string;
  readonly table: Table;
}

/** What loading an uploaded dataset needs: its row's database and the store of its bytes. */
export interface DatasetAccess {
  readonly database: { readonly db: Db };
  readonly datasets: DatasetStore;
}

const cache = new Map<string, Promise<LoadedDataset>>();
const CACHE_SIZE = 4;

/**
 * Reads a job's dataset: the file `dataset_path` (relative to DATA_DIR or absolute inside it), or
 * the uploaded `dataset_id`, fetched into this machine's dataset cache (DATASET_CACHE_DIR) first.
 * Recently read tables are kept in a small per-process cache (keyed by path, size and mtime, or by
 * sha256): optimisation trials read the same data again and again.
 */
export async function loadDataset(access: DatasetAccess, source: DatasetSource): Promise<LoadedDataset> {
  if (source.dataset_id !== undefined) return loadUploaded(access, source.dataset_id);
  if (source.dataset_path === undefined) throw new MlError("INVALID_DATASET_SOURCE", "The job names neither a dataset_path nor a dataset_id.", 400);
  const file = await resolveDatasetPath(env().DATA_DIR, source.dataset_path);
  const info = await stat(file);
  return remember(`${file}:${info.size}:${info.mtimeMs}`, async () => ({ file, sha256: await hashFile(file), table: await readTable(file) }));
}

async function loadUploaded(access: DatasetAccess, id: string): Promise<LoadedDataset> {
  const row = await getDataset(access.database.db, id);
  if (!row) throw new MlError("DATASET_NOT_FOUND", `No dataset with id "${id}" (deleted?).`, 404);
  const e = env();
  return remember(`sha256:${row.sha256}`, async () => {
    const options = { dir: e.DATASET_CACHE_DIR, maxBytes: e.DATASET_CACHE_BYTES };
    const file = await cachedDatasetFile(access.datasets, row, options);
    // Evicted by another process between the fetch and the read: fetch it once more.
    const table = await readTable(file).catch(async (err: MlError) => (err.code === "FILE_NOT_FOUND" ? readTable(await cachedDatasetFile(access.datasets, row, options)) : Promise.reject(err)));
    return { file, sha256: row.sha256, table };
  });
}

function readTable(file: string): Promise<Table> {
  return readCsv(file, { maxBytes: env().MAX_DATASET_BYTES });
}

/** The entry of `key` in the per-process table cache, made by `load` when missing (a failed load is forgotten). */
function remember(key: string, load: () => Promise<LoadedDataset>): Promise<LoadedDataset> {
  let entry = cache.get(key);
  if (entry) {
    cache.delete(key);
  } else {
    entry = load();
    entry.catch(() => cache.delete(key));
  }
  cache.set(key, entry);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
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
