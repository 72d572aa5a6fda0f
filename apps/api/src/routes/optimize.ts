import { z } from "zod";
import { getRegisteredModel, getStudy, insertStudy, listTrials } from "@mlw/db";
import { newId, optimizeJob, optimizeRequest, optimizeResult, trialJob } from "@mlw/jobs";
import { checkSearchSpace, type SearchSpace } from "@mlw/ml-core";
import { studyImportance } from "@mlw/ml-core/importance";
import { budgetLimits } from "@mlw/runtime";
import { defaultMetric, getScorer } from "@mlw/ml-core/metrics";
import { HttpError } from "../errors";
import type { AppContext } from "../http/context";
import { startOnce } from "../http/enqueue";
import { defineRoute, type Route } from "../http/route";
import { errorEnvelope, idParams, pendingJobSchema, waitFailureSchema, waitQuery } from "../http/schemas";
import { replyWithJob } from "../jobs-view";
import { checkTrainingRequest } from "./common";

const optimizeBody = optimizeRequest.meta({ id: "OptimizeRequest" });
const accepted = z.object({ study_id: z.string(), job_id: z.string(), status_url: z.string() });
const trialSchema = z.object({
  number: z.number().int(),
  state: z.string(),
  params: z.record(z.string(), z.unknown()),
  value: z.number().nullable(),
  fold_scores: z.array(z.number()),
  duration_ms: z.number().nullable(),
  worker_id: z.string().nullable(),
  attempts: z.number().int(),
  error: z.string().nullable(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
});
const studySchema = z
  .object({
    study_id: z.string(),
    state: z.string(),
    algorithm: z.string(),
    task: z.string(),
    dataset_path: z.string().nullable(),
    dataset_id: z.string().nullable(),
    target_column: z.string(),
    metric: z.string(),
    direction: z.enum(["maximize", "minimize"]),
    search_space: z.record(z.string(), z.unknown()),
    n_trials: z.number().int(),
    n_parallel: z.number().int(),
    cv_folds: z.number().int(),
    pruner: z.string().nullable(),
    job_id: z.string().nullable(),
    best_score: z.number().nullable(),
    best_params: z.record(z.string(), z.unknown()).nullable(),
    best_trial: trialSchema.nullable(),
    model_id: z.string().nullable(),
    error: z.string().nullable(),
    created_at: z.string(),
    finished_at: z.string().nullable(),
    trials: z.array(trialSchema),
  })
  .meta({ id: "Study" });

/** Importance answers kept per API process. */
const IMPORTANCE_CACHE_SIZE = 200;

const importanceSchema = z
  .object({
    study_id: z.string(),
    method: z.literal("fanova"),
    n_trials: z.number().int().meta({ description: "The complete trials the importances are computed over." }),
    importances: z
      .array(z.object({ param: z.string(), importance: z.number() }))
      .meta({ description: "Every parameter the complete trials share, most important first; the importances sum to 1 (a parameter that can take one value gets 0)." }),
  })
  .meta({ id: "StudyImportance" });

/** `POST /optimize` (a TPE study spread over every worker), `GET /studies/{id}` and its importance. */
export function optimizeRoutes(ctx: AppContext): Route[] {
  /** Importance answers by study and number of complete trials (a finished study's never changes), newest last. */
  const importanceCache = new Map<string, unknown>();
  const findStudy = async (id: string) => {
    const study = await getStudy(ctx.database.db, id);
    if (!study) throw new HttpError(404, "STUDY_NOT_FOUND", `No study with id "${id}".`);
    return study;
  };
  return [
    defineRoute({
      method: "post",
      path: "/optimize",
      tag: "training",
      summary: "Tune an algorithm's hyperparameters (a study)",
      description:
        "Creates a study and enqueues its coordinator. With `?wait=s` answers the best parameters once done. An `Idempotency-Key` header makes a retry answer the same study. With `train_best` and `register_as`, the final model becomes the next version of that registered model (and `set_alias` points at it).",
      access: "trainer",
      query: waitQuery,
      body: optimizeBody,
      responses: {
        200: { description: "The study finished (with `wait`).", schema: optimizeResult.meta({ id: "OptimizeResponse" }) },
        202: { description: "Enqueued, or still running when `wait` ran out.", schema: z.union([accepted, pendingJobSchema.extend({ study_id: z.string() })]) },
        404: { description: "Unknown dataset.", schema: errorEnvelope },
        409: { description: "The Idempotency-Key was used for another body, or `register_as` holds models of another task.", schema: errorEnvelope },
        422: { description: "Unusable data, or (with `wait`) no trial completed.", schema: z.union([errorEnvelope, waitFailureSchema]) },
      },
      async handler({ query, body, principal, req, res }) {
        if (body.n_trials > ctx.env.MAX_TRIALS) {
          throw new HttpError(400, "VALIDATION_ERROR", `\`n_trials\` must be at most ${ctx.env.MAX_TRIALS} (MAX_TRIALS), but got ${body.n_trials}.`);
        }
        if (body.register_as && !body.train_best) throw new HttpError(400, "VALIDATION_ERROR", "`register_as` needs `train_best: true`: only the final model can be registered.");
        if (body.set_alias && !body.register_as) throw new HttpError(400, "VALIDATION_ERROR", "`set_alias` needs `register_as`: the registered model whose alias to set.");
        const { spec, shape } = await checkTrainingRequest(ctx, body);
        if (body.register_as) {
          const registered = await getRegisteredModel(ctx.database.db, body.register_as);
          if (registered?.task && registered.task !== spec.task) {
            throw new HttpError(409, "TASK_MISMATCH", `Registered model "${body.register_as}" holds ${registered.task} models, but ${spec.name} is a ${spec.task} algorithm.`, { name: body.register_as, task: registered.task });
          }
        }
        const metric = body.metric ?? defaultMetric(spec.task);
        const scorer = getScorer(metric, spec.task);
        const space: SearchSpace = body.search_space ?? spec.searchSpace;
        checkSearchSpace(spec, space, shape, budgetLimits(ctx.env));
        const nParallel = body.n_parallel ?? Math.max(1, (await ctx.queues.queue(trialJob).getWorkers()).length);
        const fresh = { study_id: newId("study"), job_id: optimizeJob.jobId() };
        const { ids, job } = await startOnce(ctx, req, principal!, "optimize", body, fresh, async ({ study_id, job_id }) => {
          await insertStudy(ctx.database.db, {
            id: study_id,
            algorithm: spec.name,
            task: spec.task,
            datasetPath: body.dataset_path ?? null,
            datasetId: body.dataset_id ?? null,
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
            jobId: job_id,
          });
          const added = await ctx.queues.add(optimizeJob, { ...body, metric, study_id, requested_by: principal!.name }, job_id);
          req.log.info({ jobId: job_id, studyId: study_id, algorithm: spec.name, nTrials: body.n_trials, nParallel, key: principal!.name }, "optimize enqueued");
          return added;
        });
        const studyId = ids.study_id!;
        const acceptedBody = { study_id: studyId, job_id: ids.job_id, status_url: `/jobs/${ids.job_id}` };
        if (!job) return void res.status(202).json(acceptedBody);
        await replyWithJob(res, ctx.queues, optimizeJob, job, query.wait, {
          completed: (result) => result,
          failed: (error) => ({ success: false, message: error.message, code: error.code, study_id: studyId, job_id: job.id }),
          accepted: acceptedBody,
          extra: { study_id: studyId },
        });
      },
    }),
    defineRoute({
      method: "get",
      path: "/studies/{id}",
      tag: "training",
      summary: "A study, its best trial and every trial",
      access: "read",
      params: idParams,
      responses: { 200: { description: "The study.", schema: studySchema }, 404: { description: "Unknown study.", schema: errorEnvelope } },
      async handler({ params, res }) {
        const study = await findStudy(params.id);
        const trials = await listTrials(ctx.database.db, study.id);
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
          dataset_id: study.datasetId,
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
      },
    }),
    defineRoute({
      method: "get",
      path: "/studies/{id}/importance",
      tag: "training",
      summary: "Hyperparameter importance of a study (fANOVA)",
      description:
        "fANOVA over the study's complete trials so far, as Optuna's `FanovaImportanceEvaluator` computes it (a random forest of 64 trees, depth 64, seed 0, fitted to the trials' values; each parameter's share of the variance of the forest's prediction, normalised to sum to 1). A list, most important first.",
      access: "read",
      params: idParams,
      responses: {
        200: { description: "The importances.", schema: importanceSchema },
        404: { description: "Unknown study.", schema: errorEnvelope },
        422: { description: "Fewer than two complete trials (NOT_ENOUGH_TRIALS), or every trial has the same value (NO_VARIANCE).", schema: errorEnvelope },
      },
      async handler({ params, res }) {
        const study = await findStudy(params.id);
        const trials = await listTrials(ctx.database.db, study.id);
        const complete = trials.filter((t) => t.state === "complete");
        const key = `${study.id}:${complete.length}`;
        let answer = importanceCache.get(key);
        if (!answer) {
          const { importances, nTrials } = await studyImportance(study.searchSpace as SearchSpace, complete);
          answer = { study_id: study.id, method: "fanova", n_trials: nTrials, importances };
          importanceCache.set(key, answer);
          if (importanceCache.size > IMPORTANCE_CACHE_SIZE) importanceCache.delete(importanceCache.keys().next().value!);
        }
        res.json(answer);
      },
    }),
  ];
}
