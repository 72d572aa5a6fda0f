import { trainJob } from "@mlw/jobs";
import { trainModel } from "../services/train-model";
import { sandboxed } from "./sandboxed";

/**
 * The `train` processor. It runs in a sandbox (a child process), so a fit that takes minutes
 * never blocks the worker's event loop, its job lock keeps being renewed, and the worker can
 * stop it at JOB_TIMEOUT_S.
 */
export default sandboxed(
  trainJob,
  (payload, job, ctx) => trainModel(ctx, payload, (stage, percent) => job.updateProgress({ stage, percent }), job.id),
  (payload) => ({ algorithm: payload.algorithm, dataset: payload.dataset_path ?? payload.dataset_id }),
);
