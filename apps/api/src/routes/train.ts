import { z } from "zod";
import { trainJob, trainPayload } from "@mlw/jobs";
import type { AppContext } from "../http/context";
import { startOnce } from "../http/enqueue";
import { defineRoute, type Route } from "../http/route";
import { errorEnvelope, pendingJobSchema, waitFailureSchema, waitQuery } from "../http/schemas";
import { replyWithJob } from "../jobs-view";
import { checkTrainingRequest } from "./common";

const trainBody = trainPayload.omit({ origin: true }).strict().meta({ id: "TrainRequest" });
const trained = z.object({ success: z.literal(true), model_id: z.string(), metrics: z.record(z.string(), z.number()), message: z.string() }).meta({ id: "TrainResponse" });
const accepted = z.object({ job_id: z.string(), status: z.string(), status_url: z.string() });

/** `POST /train`: validate, enqueue a `train` job; with `?wait=` answer the original response shape. */
export function trainRoutes(ctx: AppContext): Route[] {
  return [
    defineRoute({
      method: "post",
      path: "/train",
      tag: "training",
      summary: "Train a model",
      description: "Enqueues a train job. With `?wait=s` (at most 300) answers the trained model once done. An `Idempotency-Key` header makes a retry answer the same job.",
      access: "trainer",
      query: waitQuery,
      body: trainBody,
      responses: {
        200: { description: "Trained (with `wait`).", schema: trained },
        202: { description: "Enqueued, or still running when `wait` ran out.", schema: z.union([accepted, pendingJobSchema]) },
        404: { description: "Unknown dataset.", schema: errorEnvelope },
        409: { description: "The Idempotency-Key was used for another body.", schema: errorEnvelope },
        422: { description: "Unusable data, or (with `wait`) the job failed on it.", schema: z.union([errorEnvelope, waitFailureSchema]) },
      },
      async handler({ query, body, principal, req, res }) {
        await checkTrainingRequest(ctx, body);
        const { ids, job } = await startOnce(ctx, req, principal!, "train", body, { job_id: trainJob.jobId() }, async ({ job_id }) => {
          const added = await ctx.queues.add(trainJob, body, job_id);
          req.log.info({ jobId: job_id, algorithm: body.algorithm, key: principal!.name }, "train enqueued");
          return added;
        });
        const acceptedBody = { job_id: ids.job_id, status: "waiting", status_url: `/jobs/${ids.job_id}` };
        if (!job) return void res.status(202).json(acceptedBody);
        await replyWithJob(res, ctx.queues, trainJob, job, query.wait, {
          completed: (result) => ({ success: true, model_id: result.model_id, metrics: result.metrics, message: "Model trained successfully" }),
          failed: (error) => ({ success: false, message: error.message, code: error.code, job_id: job.id }),
          accepted: acceptedBody,
        });
      },
    }),
  ];
}
