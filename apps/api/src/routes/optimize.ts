import { Router } from "express";
import { getStudy, insertStudy, listTrials } from "@mlw/db";
import { newId, optimizeJob, optimizeRequest, trialJob } from "@mlw/jobs";
import { checkSearchSpace, type SearchSpace } from "@mlw/ml-core";
import { budgetLimits } from "@mlw/runtime";
import { defaultMetric, getScorer } from "@mlw/ml-core/metrics";
import type { Deps } from "../deps";
import { HttpError, parseOr400 } from "../errors";
import { replyWithJob } from "../jobs-view";
import { checkTrainingRequest, waitSeconds } from "./common";

/** `POST /optimize` (TPE search spread over every worker) and `GET /studies/{id}`. */
export function optimizeRoutes(deps: Deps): Router {
  const router = Router();

  router.post("/optimize", async (req, res) => {
    const wait = waitSeconds(req.query);
    const body = parseOr400(optimizeRequest, req.body ?? {});
    if (body.n_trials > deps.env.MAX_TRIALS) {
      throw new HttpError(400, "VALIDATION_ERROR", `\`n_trials\` must be at most ${deps.env.MAX_TRIALS} (MAX_TRIALS), but got ${body.n_trials}.`);
    }
    const { spec, shape } = await checkTrainingRequest(deps, body);
    const metric = body.metric ?? defaultMetric(spec.task);
    const scorer = getScorer(metric, spec.task);
    const space: SearchSpace = body.search_space ?? spec.searchSpace;
    const known = new Set(spec.params.docs.map((d) => d.name));
    const unknown = Object.keys(space).filter((k) => !known.has(k));
    if (unknown.length) {
      throw new HttpError(400, "INVALID_SEARCH_SPACE", `search_space names ${unknown.map((k) => `\`${k}\``).join(", ")}, which ${spec.name} does not have; its hyperparameters are: ${[...known].join(", ")}.`);
    }
    if (Object.keys(space).length === 0) throw new HttpError(400, "INVALID_SEARCH_SPACE", "search_space is empty.");
    checkSearchSpace(spec, space, shape, budgetLimits(deps.env));
    const nParallel = body.n_parallel ?? Math.max(1, (await deps.queues.queue(trialJob).getWorkers()).length);
    const studyId = newId("study");
    const jobId = optimizeJob.jobId();
    await insertStudy(deps.database.db, {
      id: studyId,
      algorithm: spec.name,
      task: spec.task,
      datasetPath: body.dataset_path,
      target: body.target_column,
      metric,
      direction: scorer.direction,
      searchSpace: space as Record<string, unknown>,
      nTrials: body.n_trials,
      timeoutSeconds: body.timeout ? Math.ceil(body.timeout) : null,
      cvFolds: body.cv_folds,
      randomState: body.random_state,
      nParallel,
      pruner: body.pruner === "none" ? null : body.pruner,
      trainBest: body.train_best,
      jobId,
    });
    const job = await deps.queues.add(optimizeJob, { ...body, metric, study_id: studyId }, jobId);
    req.log.info({ jobId: job.id, studyId, algorithm: spec.name, nTrials: body.n_trials, nParallel }, "optimize enqueued");
    await replyWithJob(res, deps.queues, optimizeJob, job, wait, {
      completed: (result) => result,
      failed: (error) => ({ success: false, message: error.message, code: error.code, study_id: studyId, job_id: job.id }),
      accepted: { study_id: studyId, job_id: job.id, status_url: `/jobs/${job.id}` },
      extra: { study_id: studyId },
    });
  });

  router.get("/studies/:id", async (req, res) => {
    const study = await getStudy(deps.database.db, req.params.id);
    if (!study) throw new HttpError(404, "STUDY_NOT_FOUND", `No study with id "${req.params.id}".`);
    const trials = await listTrials(deps.database.db, study.id);
    const view = (t: (typeof trials)[number]) => ({
      number: t.number,
      state: t.state,
      params: t.params,
      value: t.value,
      fold_scores: t.foldScores,
      duration_ms: t.durationMs,
      worker_id: t.workerId,
      attempts: t.attempts,
      error: t.error,
      started_at: t.startedAt.toISOString(),
      finished_at: t.finishedAt?.toISOString() ?? null,
    });
    const best = study.bestTrialNumber === null ? undefined : trials.find((t) => t.number === study.bestTrialNumber);
    res.json({
      study_id: study.id,
      state: study.state,
      algorithm: study.algorithm,
      task: study.task,
      dataset_path: study.datasetPath,
      target_column: study.target,
      metric: study.metric,
      direction: study.direction,
      search_space: study.searchSpace,
      n_trials: study.nTrials,
      n_parallel: study.nParallel,
      cv_folds: study.cvFolds,
      pruner: study.pruner,
      job_id: study.jobId,
      best_score: study.bestValue,
      best_params: study.bestParams,
      best_trial: best ? view(best) : null,
      model_id: study.modelId,
      error: study.error,
      created_at: study.createdAt.toISOString(),
      finished_at: study.finishedAt?.toISOString() ?? null,
      trials: trials.map(view),
    });
  });
  return router;
}
