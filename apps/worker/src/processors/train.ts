import type { SandboxedJob } from "bullmq";
import { JOBS, type TrainResult } from "@mlw/jobs";
import { getContext } from "../context";
import { jobError } from "../services/errors";
import { trainModel } from "../services/train-model";

/**
 * The `train` processor. It runs in a BullMQ sandbox (a worker thread), so a fit that takes
 * minutes never blocks the worker's event loop and its job lock keeps being renewed.
 */
export default async function train(job: SandboxedJob): Promise<TrainResult> {
  const ctx = await getContext();
  const log = ctx.log.child({ jobId: job.id, queue: "train" });
  const started = Date.now();
  try {
    const payload = JOBS.train.schema.parse(job.data);
    log.info({ algorithm: payload.algorithm, dataset: payload.dataset_path }, "train started");
    const result = await trainModel(ctx, payload, (stage, percent) => job.updateProgress({ stage, percent }), job.id);
    log.info({ modelId: result.model_id, ms: Date.now() - started, metrics: result.metrics }, "train finished");
    return result;
  } catch (e) {
    const err = jobError(e);
    log.warn({ err: err.message, ms: Date.now() - started }, "train failed");
    throw err;
  }
}
