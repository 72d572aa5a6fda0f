import { once } from "node:events";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { eq } from "drizzle-orm";
import type { Pool, PoolClient } from "pg";
import { fileInFolder } from "./artifacts";
import type { Database, Db } from "./client";
import { datasetChunks, datasets, type NewDatasetRow } from "./schema";

/** What a finished upload records besides its bytes (the store adds `location`). */
export type DatasetRecord = Omit<NewDatasetRow, "location">;

/** An upload in progress: bytes go in with `write`; `commit` keeps them, `abort` drops them. */
export interface DatasetUpload {
  /** Appends bytes (resolves once they may be handed more: backpressure). */
  write(chunk: Buffer): Promise<void>;
  /**
   * Records `record` and keeps the bytes, atomically. When a dataset with the same sha256 exists
   * already, keeps nothing and answers its id with `created: false`.
   */
  commit(record: DatasetRecord): Promise<{ created: boolean; id: string }>;
  /** Drops everything written (idempotent; a no-op after commit). */
  abort(): Promise<void>;
}

/**
 * Where uploaded datasets' bytes live, like `ArtifactStore` for models but streamed both ways (a
 * dataset may be 1 GiB): the default store keeps them as chunk rows in Postgres, the `fs` store
 * as files named by their sha256 in a folder every process shares (DATASETS_DIR).
 */
export interface DatasetStore {
  readonly kind: "postgres" | "fs";
  /** Starts an upload for the dataset that will be called `id` if its bytes are new. */
  begin(id: string): Promise<DatasetUpload>;
  /** The bytes stored at `location`, streamed. */
  open(location: string): Readable;
  /**
   * Deletes the dataset row `id` and its bytes at `location` in `tx`, the transaction that
   * checked it is unused (the `fs` store's file goes once the row is gone).
   */
  remove(tx: Db, id: string, location: string): Promise<void>;
}

/** Rows of `dataset_chunks` hold this many bytes (the last one fewer). */
export const DATASET_CHUNK_BYTES = 1 << 20;

/**
 * Keeps datasets as ~1 MiB bytea rows of `dataset_chunks`, written inside one transaction per
 * upload on a connection of its own: a client that aborts, a refused file or a crashed API rolls
 * it back, and nothing is left. The column is stored uncompressed (STORAGE EXTERNAL): pglz made
 * inserts about 5x slower (11 MB/s against 54 MB/s measured on 100 MiB of CSV). Chosen over Postgres large objects because rows live in the
 * service's schema (dropped, dumped and permissioned with it, and removed in the same
 * transaction as their dataset), while large objects live database-wide in `pg_largeobject` and
 * leak unless each is unlinked.
 */
export function postgresDatasetStore(database: Database): DatasetStore {
  const idOf = (location: string): string => {
    const m = /^postgres:dataset_chunks\/(.+)$/.exec(location);
    if (!m) throw new Error(`not a postgres dataset location: ${location}`);
    return m[1]!;
  };
  return {
    kind: "postgres",
    async begin(id) {
      const client = await database.pool.connect();
      try {
        await client.query("BEGIN");
      } catch (e) {
        client.release(e as Error);
        throw e;
      }
      return postgresUpload(database, client, id);
    },
    open: (location) => Readable.from(readChunks(database, idOf(location))),
    async remove(tx, id, location) {
      await tx.delete(datasetChunks).where(eq(datasetChunks.datasetId, idOf(location)));
      await tx.delete(datasets).where(eq(datasets.id, id));
    },
  };
}

function postgresUpload(database: Database, client: PoolClient, id: string): DatasetUpload {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let seq = 0;
  let open = true;
  // One chunk's INSERT runs while the next chunk arrives: the upload is read and stored at once.
  let inserting: Promise<unknown> = Promise.resolve();
  const flush = async (): Promise<void> => {
    await inserting;
    if (pendingBytes === 0) return;
    const data = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    inserting = client.query("INSERT INTO dataset_chunks (dataset_id, seq, data) VALUES ($1, $2, $3)", [id, seq++, data]);
    inserting.catch(() => undefined); // awaited by the next flush, or by commit
  };
  const finish = async (sql: "COMMIT" | "ROLLBACK"): Promise<void> => {
    if (!open) return;
    open = false;
    try {
      await client.query(sql);
      client.release();
    } catch (e) {
      client.release(e as Error); // a broken connection is not handed out again
      if (sql === "COMMIT") throw e;
    }
  };
  return {
    async write(chunk) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= DATASET_CHUNK_BYTES) await flush();
    },
    async commit(record) {
      try {
        await flush();
        await inserting;
        const inserted = await insertDatasetSql(client, { ...record, location: `postgres:dataset_chunks/${id}` });
        if (inserted) {
          await finish("COMMIT");
          return { created: true, id: inserted };
        }
      } catch (e) {
        await finish("ROLLBACK");
        throw e;
      }
      await finish("ROLLBACK");
      return { created: false, id: await datasetIdOf(database.pool, record.sha256) };
    },
    abort: () => finish("ROLLBACK"),
  };
}

async function insertDatasetSql(client: PoolClient, row: NewDatasetRow): Promise<string | undefined> {
  const result = await client.query(
    `INSERT INTO datasets (id, sha256, bytes, rows, columns, location, filename, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (sha256) DO NOTHING RETURNING id`,
    [row.id, row.sha256, row.bytes, row.rows, JSON.stringify(row.columns), row.location, row.filename ?? null, row.createdBy],
  );
  return result.rows[0]?.id as string | undefined;
}

/** The id of the dataset whose bytes hash to `sha256` (one that committed while this upload ran). */
async function datasetIdOf(pool: Pool, sha256: string): Promise<string> {
  const { rows } = await pool.query("SELECT id FROM datasets WHERE sha256 = $1", [sha256]);
  if (!rows[0]) throw new Error(`dataset ${sha256} was removed while the same bytes were uploaded`);
  return rows[0].id as string;
}

async function* readChunks(database: Database, id: string): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq += 8) {
    const { rows } = await database.pool.query("SELECT data FROM dataset_chunks WHERE dataset_id = $1 AND seq >= $2 ORDER BY seq LIMIT 8", [id, seq]);
    for (const row of rows) yield row.data as Buffer;
    if (rows.length < 8) return;
  }
}

/**
 * Keeps datasets as files `<sha256>.csv` in `dir`, a volume every process shares. An upload
 * writes `.upload-<id>.tmp` beside them, removed on abort, renamed into place on commit (a
 * second upload of the same bytes renames identical bytes over the same name).
 */
export function fsDatasetStore(dir: string, db: Db): DatasetStore {
  const root = path.resolve(dir);
  const fileOf = (location: string): string => fileInFolder(root, location, "DATASETS_DIR");
  return {
    kind: "fs",
    async begin(id) {
      await mkdir(root, { recursive: true });
      await removeStale(root, /^\.upload-.*\.tmp$/);
      return fsUpload(db, root, id);
    },
    open: (location) => createReadStream(fileOf(location), { highWaterMark: 1 << 20 }),
    async remove(tx, id, location) {
      await tx.delete(datasets).where(eq(datasets.id, id));
      await rm(fileOf(location), { force: true });
    },
  };
}

function fsUpload(db: Db, root: string, id: string): DatasetUpload {
  const temp = path.join(root, `.upload-${id}.tmp`);
  const out: WriteStream = createWriteStream(temp);
  let open = true;
  const closed = once(out, "close");
  closed.catch(() => undefined); // awaited in commit and abort; never an unhandled rejection
  return {
    async write(chunk) {
      if (!out.write(chunk)) await once(out, "drain");
    },
    async commit(record) {
      open = false;
      out.end();
      await closed;
      const file = path.join(root, `${record.sha256}.csv`);
      await rename(temp, file);
      const existing = async () => (await db.select({ id: datasets.id }).from(datasets).where(eq(datasets.sha256, record.sha256)))[0];
      let inserted: { id: string } | undefined;
      try {
        [inserted] = await db.insert(datasets).values({ ...record, location: pathToFileURL(file).href }).onConflictDoNothing({ target: datasets.sha256 }).returning({ id: datasets.id });
      } catch (e) {
        if (!(await existing().catch(() => true))) await rm(file, { force: true }); // no row refers to the file
        throw e;
      }
      if (inserted) return { created: true, id: inserted.id };
      const found = await existing();
      if (!found) throw new Error(`dataset ${record.sha256} was removed while the same bytes were uploaded`);
      return { created: false, id: found.id };
    },
    async abort() {
      if (!open) return;
      open = false;
      out.destroy();
      await closed.catch(() => undefined);
      await rm(temp, { force: true });
    },
  };
}

/** The dataset store that goes with ARTIFACT_STORE: chunk rows in Postgres, or files in `dir`. */
export function datasetStoreFor(kind: "postgres" | "fs", dir: string, database: Database): DatasetStore {
  return kind === "fs" ? fsDatasetStore(dir, database.db) : postgresDatasetStore(database);
}

/** Temporary files older than this were left by a process that died mid-write: they are removed. */
const STALE_MS = 24 * 3600 * 1000;

/** Removes the files of `dir` whose names match `pattern` and that were last written more than a day ago. */
export async function removeStale(dir: string, pattern: RegExp): Promise<void> {
  for (const name of await readdir(dir)) {
    if (!pattern.test(name)) continue;
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > STALE_MS) await rm(file, { force: true });
  }
}
