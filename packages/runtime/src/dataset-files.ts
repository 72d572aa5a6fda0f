import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { MlError } from "@mlw/ml-core";

/** A dataset file: its real path, and what tells one version of it from another. */
export interface DatasetFile {
  readonly path: string;
  /** Inode, size, modification and change times: a file rewritten or replaced gets another. */
  readonly version: string;
}

/**
 * Resolves a user's `dataset_path` (relative to `dataDir`, or absolute inside it) to a real file
 * path inside `dataDir`. Anything resolving outside it, symlinks included, is refused.
 */
export async function resolveDatasetPath(dataDir: string, datasetPath: string): Promise<string> {
  return (await resolveDatasetFile(dataDir, datasetPath)).path;
}

/** `resolveDatasetPath`, with the file's version (for a cache of what was read from it). */
export async function resolveDatasetFile(dataDir: string, datasetPath: string): Promise<DatasetFile> {
  if (datasetPath.includes("\0")) throw new MlError("INVALID_DATASET_PATH", "dataset_path must not contain NUL bytes.", 400);
  const root = await realpath(dataDir).catch(() => {
    throw new MlError("DATA_DIR_MISSING", `The service's DATA_DIR (${dataDir}) does not exist.`, 500);
  });
  const candidate = path.resolve(root, datasetPath);
  const outside = (p: string): boolean => p !== root && !p.startsWith(root + path.sep);
  if (outside(candidate)) {
    throw new MlError("INVALID_DATASET_PATH", `dataset_path "${datasetPath}" is outside the data directory.`, 400);
  }
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw new MlError("DATASET_NOT_FOUND", `Dataset "${datasetPath}" was not found in the data directory.`, 404);
  }
  if (outside(real)) throw new MlError("INVALID_DATASET_PATH", `dataset_path "${datasetPath}" resolves outside the data directory.`, 400);
  const info = await stat(real);
  if (!info.isFile()) throw new MlError("DATASET_NOT_FOUND", `Dataset "${datasetPath}" is not a file.`, 404);
  return { path: real, version: `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}` };
}

/**
 * The header row of a CSV file, read by ml-core's own CSV reader so that the API judges a file
 * as the workers will (NUL bytes, invalid UTF-8, broken quoting: 422 `INVALID_CSV`; empty or
 * duplicate names: `EMPTY_HEADER`, `DUPLICATE_HEADER`; an empty file: `NO_HEADER`). Reads only
 * the first chunk of the file.
 */
export { readCsvHeader } from "@mlw/ml-core/data";
