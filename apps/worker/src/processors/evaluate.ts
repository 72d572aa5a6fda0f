import { evaluateJob } from "@mlw/jobs";
import { evaluateModel } from "../services/evaluate-model";
import { sandboxed } from "./sandboxed";

/** The `evaluate` processor (sandboxed): evaluates a model on its held-out rows and caches the result. */
export default sandboxed(
  evaluateJob,
  (payload, job, ctx) => evaluateModel(ctx, payload.model_id, (stage, percent) => job.updateProgress({ stage, percent })),
  (payload) => ({ modelId: payload.model_id }),
);
