import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { eq } from "drizzle-orm";
import type { Db } from "./client";
import { modelArtifacts } from "./schema";

/**
 * Where saved models live. Any worker or API process, on any machine, must be able to load what
 * another one saved: the default store keeps the bytes in Postgres; the `fs` store writes to
 * MODELS_DIR, which must then be a volume shared by every process (see docker-compose.yml).
 */
export interface ArtifactStore {
  readonly kind: "postgres" | "fs";
  /** Stores the bytes of model `id` and answers their location (`artifact_uri`). */
  put(id: string, bytes: Buffer): Promise<string>;
  /** The bytes stored at `uri`. */
  get(uri: string): Promise<Buffer>;
  remove(uri: string): Promise<void>;
}

/** Keeps artifacts in the `model_artifacts` table: `postgres:model_artifacts/<id>`. */
export function postgresArtifactStore(db: Db): ArtifactStore {
  const idOf = (uri: string): string => {
    const m = /^postgres:model_artifacts\/(.+)$/.exec(uri);
    if (!m) throw new Error(`not a postgres artifact uri: ${uri}`);
    return m[1]!;
  };
  return {
    kind: "postgres",
    async put(id, bytes) {
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      await db
        .insert(modelArtifacts)
        .values({ modelId: id, sha256, size: bytes.length, data: bytes })
        .onConflictDoUpdate({ target: modelArtifacts.modelId, set: { sha256, size: bytes.length, data: bytes } });
      return `postgres:model_artifacts/${id}`;
    },
    async get(uri) {
      const row = await db.query.modelArtifacts.findFirst({ where: eq(modelArtifacts.modelId, idOf(uri)) });
      if (!row) throw new Error(`artifact ${uri} is missing`);
      return row.data;
    },
    async remove(uri) {
      await db.delete(modelArtifacts).where(eq(modelArtifacts.modelId, idOf(uri)));
    },
  };
}

/**
 * The file a `file://` URI names, which must lie directly in the folder `root` (`folderName` names
 * it in the error): a stored location never reaches outside its store.
 */
export function fileInFolder(root: string, uri: string, folderName: string): string {
  let file: string | undefined;
  try {
    file = uri.startsWith("file://") ? fileURLToPath(uri) : undefined;
  } catch {
    file = undefined;
  }
  if (!file || path.dirname(file) !== root) throw new Error(`${uri} is outside ${folderName}`);
  return file;
}

/** Keeps artifacts as files in `dir` (a shared volume): `file:///…/<id>.mlw`. */
export function fsArtifactStore(dir: string): ArtifactStore {
  const root = path.resolve(dir);
  const fileOf = (uri: string): string => fileInFolder(root, uri, "MODELS_DIR");
  return {
    kind: "fs",
    async put(id, bytes) {
      await mkdir(root, { recursive: true });
      const file = path.join(root, `${id}.mlw`);
      await writeFile(`${file}.tmp`, bytes);
      await rename(`${file}.tmp`, file);
      return pathToFileURL(file).href;
    },
    get: async (uri) => readFile(fileOf(uri)),
    remove: async (uri) => rm(fileOf(uri), { force: true }),
  };
}
