import { Router } from "express";
import { trainPayload, type TrainResult } from "@mlw/jobs";
import { parseOr400 } from "../errors";
import type { Deps } from "../deps";
import { viewJob, waitForJob } from "../jobs-view";
import { checkTrainingRequest, waitSeconds } from "./common";

/** `POST /train`: validate, enqueue a `train` job; with `?wait=` answer the original response shape. */
export function trainRoutes(deps: Deps): Router {
  const router = Router();
  router.post("/train", async (req, res) => {
    const wait = waitSeconds(req.query);
    const body = parseOr400(trainPayload.omit({ origin: true }), req.body ?? {});
    await checkTrainingRequest(deps, body);
    const job = await deps.queues.add("train", body);
    req.log.info({ jobId: job.id, algorithm: body.algorithm }, "train enqueued");
    if (wait !== undefined) {
      const done = await waitForJob(deps.queues, job, wait);
      if (done?.state === "completed") {
        const result = done.result as TrainResult;
        res.status(200).json({ success: true, model_id: result.model_id, metrics: result.metrics, message: "Model trained successfully" });
        return;
      }
      if (done?.state === "failed") {
        const failure = done.error!;
        res.status(failure.status).json({ success: false, message: failure.message, code: failure.code, job_id: job.id });
        return;
      }
      res.status(202).json(await viewJob(job).then((v) => ({ ...v, status_url: `/jobs/${job.id}` })));
      return;
    }
    res.status(202).json({ job_id: job.id, status: "waiting", status_url: `/jobs/${job.id}` });
  });
  return router;
}
