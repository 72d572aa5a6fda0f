import { checkBudget, getAlgorithm, type AlgorithmSpec, type FitShape } from "@mlw/ml-core";
import { budgetLimits, resolveDatasetFile } from "@mlw/runtime";
import { HttpError } from "../errors";
import type { Deps } from "../deps";
import type { DatasetSource } from "@mlw/jobs";
import { DatasetHeaders } from "../dataset-headers";
import { findDataset } from "./datasets";

/**
 * Checks what can be checked before a job is enqueued, so that a mistake is answered at once:
 * the algorithm (400), its hyperparameters (400), the dataset (404), its header (422) and the
 * target column (422), and that the hyperparameters fit MAX_MODEL_PARAMS at the header's width
 * (400). Answers the spec and that width, for checking a search space.
 */
export async function checkTrainingRequest(
  deps: Deps,
  req: DatasetSource & { algorithm: string; target_column: string; hyperparams?: Record<string, unknown> },
): Promise<{ spec: AlgorithmSpec; shape: FitShape }> {
  const spec = getAlgorithm(req.algorithm);
  const params = req.hyperparams && spec.params.parse(req.hyperparams);
  const header = await datasetHeader(deps, req);
  if (!header.includes(req.target_column)) {
    throw new HttpError(422, "TARGET_NOT_FOUND", `Target column "${req.target_column}" is not in ${req.dataset_path ?? req.dataset_id}; its columns are: ${header.join(", ")}.`, { columns: header });
  }
  const shape = { nFeatures: header.length - 1 }; // a lower bound: one-hot encoding only widens
  if (params) checkBudget(spec, params, shape, budgetLimits(deps.env));
  return { spec, shape };
}

const fileHeaders = new DatasetHeaders();

/**
 * The column names of the request's dataset: the header of the file `dataset_path` (404 when
 * missing), or the profile of the uploaded `dataset_id` (404 when unknown). Exactly one of the two
 * must be given: else 400 `INVALID_DATASET_SOURCE`.
 */
async function datasetHeader(deps: Deps, req: DatasetSource): Promise<string[]> {
  if ((req.dataset_path === undefined) === (req.dataset_id === undefined)) {
    const got = req.dataset_path === undefined ? "neither" : "both";
    throw new HttpError(400, "INVALID_DATASET_SOURCE", `Give exactly one of \`dataset_path\` (a file under the service's DATA_DIR) and \`dataset_id\` (an uploaded dataset), but got ${got}.`);
  }
  if (req.dataset_id !== undefined) return (await findDataset(deps, req.dataset_id)).columns.map((c) => c.name);
  return fileHeaders.of(await resolveDatasetFile(deps.env.DATA_DIR, req.dataset_path!));
}
