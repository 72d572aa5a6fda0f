import { getAlgorithm, type AlgorithmSpec } from "@mlw/ml-core";
import { readCsvHeader, resolveDatasetPath } from "@mlw/runtime";
import { HttpError } from "../errors";
import type { Deps } from "../deps";

/**
 * Checks what can be checked before a job is enqueued, so that a mistake is answered at once:
 * the algorithm (400), its hyperparameters (400), the dataset (404) and the target column (422).
 */
export async function checkTrainingRequest(
  deps: Deps,
  req: { algorithm: string; dataset_path: string; target_column: string; hyperparams?: Record<string, unknown> },
): Promise<AlgorithmSpec> {
  const spec = getAlgorithm(req.algorithm);
  if (req.hyperparams) spec.params.parse(req.hyperparams);
  const file = await resolveDatasetPath(deps.env.DATA_DIR, req.dataset_path);
  const header = await readCsvHeader(file);
  if (!header.includes(req.target_column)) {
    throw new HttpError(422, "TARGET_NOT_FOUND", `Target column "${req.target_column}" is not in ${req.dataset_path}; its columns are: ${header.join(", ")}.`, { columns: header });
  }
  return spec;
}
