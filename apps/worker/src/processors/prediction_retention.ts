import type { Job, Processor } from "bullmq";
import { deletePredictionsBefore } from "@mlw/db";
import type { ResultOf, predictionRetentionJob } from "@mlw/jobs";
import { getContext } from "../context";
import { env } from "../env";

const DAY_MS = 86_400_000;

/** Deletes the prediction log's rows older than PREDICTION_RETENTION_DAYS (run hourly by its job scheduler). */
export default function predictionRetentionProcessor(): Processor {
  return async (job: Job): Promise<ResultOf<typeof predictionRetentionJob>> => {
    const ctx = await getContext();
    const before = new Date(Date.now() - env().PREDICTION_RETENTION_DAYS * DAY_MS);
    const deleted = await deletePredictionsBefore(ctx.database.db, before);
    ctx.log.info({ jobId: job.id, deleted, before }, "prediction log trimmed");
    return { deleted, before: before.toISOString() };
  };
}
