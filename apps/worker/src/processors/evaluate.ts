import type { SandboxedJob } from "bullmq";
import { JOBS } from "@mlw/jobs";
import { getContext } from "../context";
import { jobError } from "../services/errors";
import { evaluateModel } from "../services/evaluate-model";

/** The `evaluate` processor (sandboxed): evaluates a model on its held-out rows and caches the result. */
export default async function evaluate(job: SandboxedJob): Promise<Record<string, unknown>> {
  const ctx = await getContext();
  const { model_id } = JOBS.evaluate.schema.parse(job.data);
  const log = ctx.log.child({ jobId: job.id, queue: "evaluate", modelId: model_id });
  const started = Date.now();
  try {
    const result = await evaluateModel(ctx, model_id, (stage, percent) => job.updateProgress({ stage, percent }));
    log.info({ ms: Date.now() - started }, "evaluate finished");
    return result;
  } catch (e) {
    const err = jobError(e);
    log.warn({ err: err.message }, "evaluate failed");
    throw err;
  }
}
