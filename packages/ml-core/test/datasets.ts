import * as path from "node:path";

/**
 * Where the shared datasets are, for tests and benchmarks alike: `MLW_DATASETS` when set, else
 * `../shared/datasets` beside the repository root (found from this file, so any checkout works).
 */
export const DATASETS = process.env.MLW_DATASETS ?? path.resolve(__dirname, "..", "..", "..", "..", "shared", "datasets");

/** The path of one shared dataset, e.g. `datasetPath("iris.csv")`. */
export function datasetPath(file: string): string {
  return path.join(DATASETS, file);
}
