import { Router } from "express";
import type { Deps } from "../deps";
import { HttpError } from "../errors";
import { viewJob } from "../jobs-view";

/** `GET /jobs/{id}`: a job's state, progress, result or error. */
export function jobRoutes(deps: Deps): Router {
  const router = Router();
  router.get("/jobs/:id", async (req, res) => {
    const found = await deps.queues.find(req.params.id);
    if (!found) throw new HttpError(404, "JOB_NOT_FOUND", `No job with id "${req.params.id}".`);
    res.json(await viewJob(deps.queues, found.kind, found.job));
  });
  return router;
}
