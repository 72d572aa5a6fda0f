import { Router } from "express";
import { trainJob, trainPayload } from "@mlw/jobs";
import { parseOr400 } from "../errors";
import type { Deps } from "../deps";
import { replyWithJob } from "../jobs-view";
import { checkTrainingRequest, waitSeconds } from "./common";

/** `POST /train`: validate, enqueue a `train` job; with `?wait=` answer the original response shape. */
export function trainRoutes(deps: Deps): Router {
  const router = Router();
  router.post("/train", async (req, res) => {
    const wait = waitSeconds(req.query);
    const body = parseOr400(trainPayload.omit({ origin: true }), req.body ?? {});
    await checkTrainingRequest(deps, body);
    const job = await deps.queues.add(trainJob, body);
    req.log.info({ jobId: job.id, algorithm: body.algorithm }, "train enqueued");
    await replyWithJob(res, deps.queues, trainJob, job, wait, {
      completed: (result) => ({ success: true, model_id: result.model_id, metrics: result.metrics, message: "Model trained successfully" }),
      failed: (error) => ({ success: false, message: error.message, code: error.code, job_id: job.id }),
      accepted: { job_id: job.id, status: "waiting", status_url: `/jobs/${job.id}` },
    });
  });
  return router;
}
