import { checkBudget, getAlgorithm, type AlgorithmSpec, type FitShape } from "@mlw/ml-core";
import { budgetLimits, readCsvHeader, resolveDatasetPath } from "@mlw/runtime";
import { HttpError } from "../errors";
import type { Deps } from "../deps";

/**
 * Checks what can be checked before a job is enqueued, so that a mistake is answered at once:
 * the algorithm (400), its hyperparameters (400), the dataset (404), its header (422) and the
 * target column (422), and that the hyperparameters fit MAX_MODEL_PARAMS at the header's width
 * (400). Answers the spec and that width, for checking a search space.
 */
export async function checkTrainingRequest(
  deps: Deps,
  req: { algorithm: string; dataset_path: string; target_column: string; hyperparams?: Record<string, unknown> },
): Promise<{ spec: AlgorithmSpec; shape: FitShape }> {
  const spec = getAlgorithm(req.algorithm);
  const params = req.hyperparams && spec.params.parse(req.hyperparams);
  const file = await resolveDatasetPath(deps.env.DATA_DIR, req.dataset_path);
  const header = await readCsvHeader(file);
  if (!header.includes(req.target_column)) {
    throw new HttpError(422, "TARGET_NOT_FOUND", `Target column "${req.target_column}" is not in ${req.dataset_path}; its columns are: ${header.join(", ")}.`, { columns: header });
  }
  const shape = { nFeatures: header.length - 1 }; // a lower bound: one-hot encoding only widens
  if (params) checkBudget(spec, params, shape, budgetLimits(deps.env));
  return { spec, shape };
}
