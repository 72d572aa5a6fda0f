import { z } from "zod";
import { getRegisteredModel, insertStudy, studyChoiceColumns } from "@mlw/db";
import { newId, optimizeJob, optimizeRequest, optimizeResult, trialJob } from "@mlw/jobs";
import { checkSearchSpace, InvalidSearchSpaceError, type SearchSpace } from "@mlw/ml-core";
import { checkInitialTrials, makeSampler, type Params } from "@mlw/ml-core/study";
import { budgetLimits } from "@mlw/runtime";
import { defaultMetric, getScorer } from "@mlw/ml-core/metrics";
import { HttpError } from "../errors";
import type { AppContext } from "../http/context";
import { startOnce } from "../http/enqueue";
import { defineRoute, type Route } from "../http/route";
import { errorEnvelope, pendingJobSchema, waitFailureSchema, waitQuery } from "../http/schemas";
import { replyWithJob } from "../jobs-view";
import { checkTrainingRequest } from "./common";

const optimizeBody = optimizeRequest.strict().meta({ id: "OptimizeRequest" });
const accepted = z.object({ study_id: z.string(), job_id: z.string(), status_url: z.string() });
/** `POST /optimize`: a study spread over every worker (its views are in routes/studies.ts). */
export function optimizeRoutes(ctx: AppContext): Route[] {
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
        makeSampler(body.sampler).capacity(space);
        const initialTrials = body.initial_trials.map((t) => t.params as Params);
        checkInitialTrials(space, initialTrials);
        initialTrials.forEach((params, i) => {
          const reason = spec.params.invalidReason(params);
          if (reason) throw new InvalidSearchSpaceError(`initial_trials[${i}] is not valid for ${spec.name}: ${reason}`, { trial: i });
        });
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
            ...studyChoiceColumns(body.sampler, body.pruner),
            initialTrials,
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
  ];
}
