import type { Job } from "bullmq";
import { z } from "zod";
import { cancelStudy, continueStudy, finishedTrialCounts, getStudy, listTrials, studyDefinition, updateStudy, type StudyRow } from "@mlw/db";
import { finalModelJobId, JobCancelledError, optimizeJob, optimizePayload, optimizeResult, studyCancelled, trainJob, trialJob, type CancelOutcome, type OptimizePayload } from "@mlw/jobs";
import { makeSampler } from "@mlw/ml-core/study";
import { HttpError } from "../errors";
import type { AppContext } from "../http/context";
import { startOnce } from "../http/enqueue";
import { defineRoute, type Route } from "../http/route";
import { errorEnvelope, idParams, pendingJobSchema, waitFailureSchema, waitQuery } from "../http/schemas";
import { replyWithJob } from "../jobs-view";
import { studySummarySchema, studyView } from "./studies";

/** Why a cancelled study's trial jobs (and its final model's train job) fail, as their rows and failures say it. */
const STUDY_REASON = "its study was cancelled";

const cancelledSchema = studySummarySchema
  .extend({ cancelled_trials: z.array(z.number().int()).meta({ description: "The trials that were running: they failed with CANCELLED." }) })
  .meta({ id: "CancelledStudy" });

const continueBody = z
  .strictObject({
    n_trials: z.number().int().min(1).meta({ description: "How many more trials to run (at most MAX_TRIALS, as POST /optimize)." }),
    timeout: z.number().positive().optional().meta({ description: "Seconds from now after which no new trial starts (none by default)." }),
  })
  .meta({ id: "ContinueStudyRequest" });

const accepted = z.object({ study_id: z.string(), job_id: z.string(), status_url: z.string() });

/**
 * Cancels a running study: its running trials fail with CANCELLED and its best so far is kept
 * (in one transaction, `cancelStudy`); then its jobs stop: the trials' jobs, its coordinator (the
 * optimize job fails with CANCELLED, the best so far in its details) and its final model's train
 * job if one runs. Answers undefined for an unknown study, the study as it is when not running.
 */
export async function stopStudy(ctx: AppContext, id: string): Promise<{ cancelled: boolean; study: StudyRow; trials: readonly number[]; job?: CancelOutcome } | undefined> {
  const trialError = new JobCancelledError(trialJob.name, STUDY_REASON);
  const result = await cancelStudy(ctx.database.db, id, `${trialError.code}: ${trialError.message}`);
  if (!result) return undefined;
  if (result.outcome === "not_running") return { cancelled: false, study: result.study, trials: [] };
  const { study, trials } = result;
  const { reason, details } = studyCancelled(study);
  // The study is cancelled now; a job Redis could not reach is stopped later: the coordinator sees
  // the study's state, and a trial that goes on records nothing (its row is no longer running).
  const [job, ...rest] = await Promise.allSettled([
    study.jobId ? ctx.queues.cancel(optimizeJob, study.jobId, reason, details) : undefined,
    study.jobId ? ctx.queues.cancel(trainJob, finalModelJobId(study.jobId), STUDY_REASON) : undefined,
    ...trials.map((n) => ctx.queues.cancel(trialJob, trialJob.jobId(study.id, n), STUDY_REASON)),
  ]);
  for (const r of [job, ...rest]) if (r?.status === "rejected") ctx.log.warn({ studyId: study.id, err: (r.reason as Error).message }, "a job of a cancelled study was not stopped");
  return { cancelled: true, study, trials, job: job?.status === "fulfilled" ? job.value : "stopping" };
}

/** `POST /studies/{id}/cancel` and `POST /studies/{id}/trials` (continue a study). */
export function studyRunRoutes(ctx: AppContext): Route[] {
  return [
    defineRoute({
      method: "post",
      path: "/studies/{id}/cancel",
      tag: "training",
      summary: "Cancel a running study",
      description:
        "No new trial starts; the running trials fail with `CANCELLED` (their jobs are stopped, a waiting one at once) and the study becomes `cancelled` with its best so far (`best_score`, `best_params`). Its optimize job fails with `CANCELLED`, with `details: {study_id, best_score, best_params, best_trial_number}`, and is not retried. POST /studies/{id}/trials continues it.",
      access: "trainer",
      params: idParams,
      responses: {
        200: { description: "The study, cancelled.", schema: cancelledSchema },
        404: { description: "Unknown study (STUDY_NOT_FOUND).", schema: errorEnvelope },
        409: { description: "The study is not running (STUDY_FINISHED): complete, failed or already cancelled.", schema: errorEnvelope },
      },
      async handler({ params, req, res }) {
        const stopped = await stopStudy(ctx, params.id);
        if (!stopped) throw new HttpError(404, "STUDY_NOT_FOUND", `No study with id "${params.id}".`);
        const { study, trials } = stopped;
        if (!stopped.cancelled) throw new HttpError(409, "STUDY_FINISHED", `Study ${study.id} is ${study.state}, not running: there is nothing to cancel.`, { state: study.state });
        req.log.info({ studyId: study.id, trials, job: stopped.job }, "study cancelled");
        const done = await finishedTrialCounts(ctx.database.db, [study.id]);
        res.json({ ...studyView(study, done.get(study.id) ?? 0), cancelled_trials: trials });
      },
    }),
    defineRoute({
      method: "post",
      path: "/studies/{id}/trials",
      tag: "training",
      summary: "Continue a finished or cancelled study with more trials",
      description:
        "Adds exactly `n_trials` trials, numbered after the existing ones, proposed by the study's sampler from all its trials so far (as one longer study would have), and enqueues a new optimize job: the study is `running` again and its `job_id` is the new job. With `train_best`, the final model is trained again from the new best. With `?wait=s` answers the best parameters once done. An `Idempotency-Key` header makes a retry answer the same job.",
      access: "trainer",
      params: idParams,
      query: waitQuery,
      body: continueBody,
      responses: {
        200: { description: "The study finished (with `wait`).", schema: optimizeResult },
        202: { description: "Enqueued, or still running when `wait` ran out.", schema: z.union([accepted, pendingJobSchema.extend({ study_id: z.string() })]) },
        404: { description: "Unknown study (STUDY_NOT_FOUND).", schema: errorEnvelope },
        409: { description: "The study is running (STUDY_RUNNING), or its search space has no point left to try (SEARCH_SPACE_EXHAUSTED: a grid fully covered).", schema: errorEnvelope },
        422: { description: "(With `wait`) no trial completed.", schema: z.union([errorEnvelope, waitFailureSchema]) },
      },
      async handler({ params, query, body, principal, req, res }) {
        if (body.n_trials > ctx.env.MAX_TRIALS) {
          throw new HttpError(400, "VALIDATION_ERROR", `\`n_trials\` must be at most ${ctx.env.MAX_TRIALS} (MAX_TRIALS), but got ${body.n_trials}.`);
        }
        const study = await getStudy(ctx.database.db, params.id);
        if (!study) throw new HttpError(404, "STUDY_NOT_FOUND", `No study with id "${params.id}".`);
        if (study.state === "running") throw studyRunning(study);
        const definition = studyDefinition(study);
        const capacity = definition.initialTrials.length + makeSampler(definition.sampler).capacity(definition.searchSpace);
        const existing = (await listTrials(ctx.database.db, study.id)).length;
        if (existing >= capacity) {
          throw new HttpError(409, "SEARCH_SPACE_EXHAUSTED", `Study ${study.id} has tried all ${capacity} points its ${study.sampler} sampler can propose: no trial is left to add.`, { trials: existing });
        }
        const previous = study.jobId ? (await ctx.queues.find(study.jobId))?.job : undefined;
        const fresh = { study_id: study.id, job_id: optimizeJob.jobId() };
        const { ids, job } = await startOnce(ctx, req, principal!, "study-trials", { study_id: study.id, ...body }, fresh, async ({ job_id }) => {
          const continued = await continueStudy(ctx.database.db, study.id, { addTrials: body.n_trials, jobId: job_id, timeoutSeconds: body.timeout });
          if (!continued) throw new HttpError(404, "STUDY_NOT_FOUND", `No study with id "${study.id}".`);
          if (continued.outcome === "running") throw studyRunning(continued.study);
          const payload = { ...continuedPayload(continued.study, previous), timeout: body.timeout, requested_by: principal!.name };
          try {
            const added = await ctx.queues.add(optimizeJob, payload, job_id);
            req.log.info({ jobId: job_id, studyId: study.id, from: continued.from, nTrials: body.n_trials, key: principal!.name }, "study continued");
            return added;
          } catch (e) {
            const p = continued.previous;
            await updateStudy(ctx.database.db, study.id, { state: p.state, nTrials: p.nTrials, jobId: p.jobId, timeoutSeconds: p.timeoutSeconds, error: p.error, finishedAt: p.finishedAt });
            throw e;
          }
        });
        const acceptedBody = { study_id: study.id, job_id: ids.job_id, status_url: `/jobs/${ids.job_id}` };
        if (!job) return void res.status(202).json(acceptedBody);
        await replyWithJob(res, ctx.queues, optimizeJob, job, query.wait, {
          completed: (result) => result,
          failed: (error) => ({ success: false, message: error.message, code: error.code, study_id: study.id, job_id: job.id }),
          accepted: acceptedBody,
          extra: { study_id: study.id },
        });
      },
    }),
  ];
}

function studyRunning(study: StudyRow): HttpError {
  return new HttpError(409, "STUDY_RUNNING", `Study ${study.id} is running: cancel it (POST /studies/${study.id}/cancel) or wait for it to finish before adding trials.`, { job_id: study.jobId });
}

/**
 * The payload of a continued study's optimize job: its previous job's (which holds what the study
 * row does not: `test_size`, `register_as`, `set_alias`), or, once that job is no longer kept,
 * the study row's request with the defaults. The coordinator reads the study from its row.
 */
function continuedPayload(study: StudyRow, previous: Job | undefined): OptimizePayload {
  const kept = optimizePayload.safeParse(previous?.data);
  if (kept.success) return { ...kept.data, n_trials: study.nTrials };
  return optimizePayload.parse({
    dataset_path: study.datasetPath ?? undefined,
    dataset_id: study.datasetId ?? undefined,
    target_column: study.target,
    algorithm: study.algorithm,
    random_state: study.randomState,
    n_trials: study.nTrials,
    metric: study.metric,
    cv_folds: study.cvFolds,
    n_parallel: study.nParallel,
    sampler: { ...study.samplerSettings, name: study.sampler },
    pruner: { ...study.prunerSettings, name: study.pruner ?? "none" },
    initial_trials: study.initialTrials.map((params) => ({ params })),
    train_best: study.trainBest,
    search_space: study.searchSpace,
    study_id: study.id,
  });
}
