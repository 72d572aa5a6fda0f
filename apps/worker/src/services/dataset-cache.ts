import { randomUUID, createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat, utimes } from "node:fs/promises";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { removeStale, type DatasetRow, type DatasetStore } from "@mlw/db";
import { MlError } from "@mlw/ml-core";

/** Where the cache is and how many bytes of datasets it keeps. */
export interface DatasetCacheOptions {
  readonly dir: string;
  readonly maxBytes: number;
}

/** Fetches in flight in this process, by sha256: two jobs asking at once share one download. */
const inFlight = new Map<string, Promise<string>>();

/**
 * The local path of uploaded dataset `row`'s bytes, fetched from `store` into the cache folder
 * if they are not there yet. A fetch streams into a temporary file of its own, is checked against
 * the dataset's sha256, then renamed to `<sha256>.csv` in one step: a process that finds the name
 * finds whole, verified bytes, and two processes fetching the same dataset at once (a worker's
 * sandboxes, workers sharing the folder) each rename identical bytes into place. Using a file
 * marks it recently used (mtime); after a fetch the least recently used files go until the cache
 * holds at most `maxBytes` (the file just fetched stays, even alone over the limit).
 */
export async function cachedDatasetFile(store: DatasetStore, row: DatasetRow, options: DatasetCacheOptions): Promise<string> {
  const file = path.join(options.dir, `${row.sha256}.csv`);
  const found = await stat(file).catch(() => undefined);
  if (found?.size === row.bytes) {
    const now = new Date();
    await utimes(file, now, now).catch(() => undefined); // evicted meanwhile: the caller's read fails and it asks again
    return file;
  }
  let fetching = inFlight.get(row.sha256);
  if (!fetching) {
    fetching = fetchInto(store, row, file).then(async () => {
      await evictLeastRecentlyUsed(options, file);
      return file;
    });
    inFlight.set(row.sha256, fetching);
    void fetching.catch(() => undefined).finally(() => inFlight.delete(row.sha256));
  }
  return fetching;
}

async function fetchInto(store: DatasetStore, row: DatasetRow, file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomUUID()}.tmp`;
  const hash = createHash("sha256");
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(store.open(row.location), hashing, createWriteStream(temp));
    const sha256 = hash.digest("hex");
    if (sha256 !== row.sha256) {
      throw new MlError("DATASET_CORRUPT", `The stored bytes of dataset ${row.id} hash to ${sha256.slice(0, 12)}…, not to its sha256 ${row.sha256.slice(0, 12)}…: they were changed or damaged.`, 500);
    }
    await rename(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
}

/** Removes stale temporary files, then the least recently used `*.csv` files of the cache (never `keep`) until it holds at most `maxBytes`. */
async function evictLeastRecentlyUsed(options: DatasetCacheOptions, keep: string): Promise<void> {
  await removeStale(options.dir, /\.tmp$/); // fetches of processes that died
  const names = (await readdir(options.dir)).filter((n) => n.endsWith(".csv"));
  const files = (
    await Promise.all(
      names.map(async (name) => {
        const full = path.join(options.dir, name);
        const info = await stat(full).catch(() => undefined);
        return info ? { full, size: info.size, used: info.mtimeMs } : undefined;
      }),
    )
  ).filter((f) => f !== undefined);
  let total = files.reduce((sum, f) => sum + f.size, 0);
  for (const f of files.sort((a, b) => a.used - b.used)) {
    if (total <= options.maxBytes) return;
    if (f.full === keep) continue;
    await rm(f.full, { force: true });
    total -= f.size;
  }
}
