import { z } from "zod";
import { finishedTrialCounts, getStudy, listStudies, listTrials, type StudyRow, type TrialRow } from "@mlw/db";
import type { SearchSpace } from "@mlw/ml-core";
import { studyImportance } from "@mlw/ml-core/importance";
import { HttpError } from "../errors";
import type { AppContext } from "../http/context";
import { newestFirstPage } from "../http/cursor";
import { defineRoute, type Route } from "../http/route";
import { errorEnvelope, idParams } from "../http/schemas";

const trialSchema = z.object({
  number: z.number().int(),
  state: z.string(),
  params: z.record(z.string(), z.unknown()),
  value: z.number().nullable(),
  fold_scores: z.array(z.number()).meta({ description: "The intermediate value at each step: a CV fold's score, or for an algorithm with a `budget_step` the folds' mean score after each step of its budget." }),
  duration_ms: z.number().nullable(),
  worker_id: z.string().nullable(),
  attempts: z.number().int(),
  error: z.string().nullable(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
});
/** A study without its trials, as GET /studies lists it. */
export const studySummarySchema = z
  .object({
    study_id: z.string(),
    state: z.enum(["running", "complete", "failed", "cancelled"]),
    algorithm: z.string(),
    task: z.string(),
    dataset_path: z.string().nullable(),
    dataset_id: z.string().nullable(),
    target_column: z.string(),
    metric: z.string(),
    direction: z.enum(["maximize", "minimize"]),
    search_space: z.record(z.string(), z.unknown()),
    n_trials: z.number().int(),
    trials_done: z.number().int().meta({ description: "Trials finished so far (complete, pruned or failed)." }),
    n_parallel: z.number().int(),
    cv_folds: z.number().int(),
    sampler: z.string().meta({ description: "tpe, random, grid or qmc." }),
    sampler_settings: z.record(z.string(), z.unknown()),
    pruner: z.string().meta({ description: "none, median, percentile, successive_halving or hyperband." }),
    pruner_settings: z.record(z.string(), z.unknown()),
    initial_trials: z.array(z.object({ params: z.record(z.string(), z.unknown()) })),
    job_id: z.string().nullable(),
    best_score: z.number().nullable(),
    best_params: z.record(z.string(), z.unknown()).nullable(),
    model_id: z.string().nullable(),
    error: z.string().nullable(),
    created_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: "StudySummary" });
const studySchema = studySummarySchema.extend({ best_trial: trialSchema.nullable(), trials: z.array(trialSchema) }).meta({ id: "Study" });

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

const listQuery = z.object({
  state: z.enum(["running", "complete", "failed", "cancelled"]).optional(),
  algorithm: z.string().min(1).optional(),
  dataset: z.string().min(1).optional().meta({ description: "The study's dataset_path." }),
  dataset_id: z.string().min(1).optional().meta({ description: "The study's uploaded dataset." }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).optional(),
});

function trialView(t: TrialRow) {
  return {
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
  };
}

/** A study without its trials; its sampler and pruner by the names `POST /optimize` takes. */
export function studyView(s: StudyRow, trialsDone: number) {
  return {
    study_id: s.id,
    state: s.state,
    algorithm: s.algorithm,
    task: s.task,
    dataset_path: s.datasetPath,
    dataset_id: s.datasetId,
    target_column: s.target,
    metric: s.metric,
    direction: s.direction,
    search_space: s.searchSpace,
    n_trials: s.nTrials,
    trials_done: trialsDone,
    n_parallel: s.nParallel,
    cv_folds: s.cvFolds,
    sampler: s.sampler,
    sampler_settings: s.samplerSettings,
    pruner: s.pruner ?? "none",
    pruner_settings: s.prunerSettings,
    initial_trials: s.initialTrials.map((params) => ({ params })),
    job_id: s.jobId,
    best_score: s.bestValue,
    best_params: s.bestParams,
    model_id: s.modelId,
    error: s.error,
    created_at: s.createdAt.toISOString(),
    finished_at: s.finishedAt?.toISOString() ?? null,
  };
}

/** `GET /studies` (a page, newest first, filtered), `GET /studies/{id}` (a study with every trial) and its importance. */
export function studyRoutes(ctx: AppContext): Route[] {
  /** Importance answers by study and number of complete trials (a finished study's never changes), newest last. */
  const importanceCache = new Map<string, unknown>();
  const findStudy = async (id: string) => {
    const study = await getStudy(ctx.database.db, id);
    if (!study) throw new HttpError(404, "STUDY_NOT_FOUND", `No study with id "${id}".`);
    return study;
  };
  return [
    defineRoute({
      method: "get",
      path: "/studies",
      tag: "training",
      summary: "Studies, newest first, filtered by state, algorithm and dataset",
      description: "Pages with `limit` and the `next_cursor` of the previous page. Trials are left out; GET /studies/{id} has them.",
      access: "read",
      query: listQuery,
      responses: {
        200: { description: "A page of studies.", schema: z.object({ studies: z.array(studySummarySchema), next_cursor: z.string().nullable() }) },
        400: { description: "A bad filter or cursor.", schema: errorEnvelope },
      },
      async handler({ query: q, res }) {
        const filters = { state: q.state, algorithm: q.algorithm, datasetPath: q.dataset, datasetId: q.dataset_id };
        const { page, next_cursor } = await newestFirstPage(q, "study", (before, limit) => listStudies(ctx.database.db, { ...filters, before, limit }));
        const done = await finishedTrialCounts(ctx.database.db, page.map((s) => s.id));
        res.json({ studies: page.map((s) => studyView(s, done.get(s.id) ?? 0)), next_cursor });
      },
    }),
    defineRoute({
      method: "get",
      path: "/studies/{id}",
      tag: "training",
      summary: "A study, its best trial (so far, while it runs) and every trial",
      access: "read",
      params: idParams,
      responses: { 200: { description: "The study.", schema: studySchema }, 404: { description: "Unknown study.", schema: errorEnvelope } },
      async handler({ params, res }) {
        const study = await findStudy(params.id);
        const trials = await listTrials(ctx.database.db, study.id);
        const best = study.bestTrialNumber === null ? undefined : trials.find((t) => t.number === study.bestTrialNumber);
        res.json({ ...studyView(study, trials.filter((t) => t.state !== "running").length), best_trial: best ? trialView(best) : null, trials: trials.map(trialView) });
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
        const complete = (await listTrials(ctx.database.db, study.id)).filter((t) => t.state === "complete");
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
