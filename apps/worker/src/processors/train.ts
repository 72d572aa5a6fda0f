import { trainJob } from "@mlw/jobs";
import { trainModel } from "../services/train-model";
import { sandboxed } from "./sandboxed";

/**
 * The `train` processor. It runs in a BullMQ sandbox (a child process), so a fit that takes
 * minutes never blocks the worker's event loop and its job lock keeps being renewed.
 */
export default sandboxed(
  trainJob,
  (payload, job, ctx) => trainModel(ctx, payload, (stage, percent) => job.updateProgress({ stage, percent }), job.id),
  (payload) => ({ algorithm: payload.algorithm, dataset: payload.dataset_path }),
);
