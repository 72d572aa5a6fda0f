import { randomUUID } from "node:crypto";
import { z } from "zod";
import { deleteModel, getModel, listModels, type ModelRow } from "@mlw/db";
import { evaluateJob, evaluateResult, isModelId, queueOfJobId } from "@mlw/jobs";
import { metricDirection } from "@mlw/ml-core/metrics";

import { HttpError } from "../errors";
import type { AppContext } from "../http/context";
import { newestFirstPage } from "../http/cursor";
import { defineRoute, type Route } from "../http/route";
import { errorEnvelope, idParams, pendingJobSchema, predictBody, predictionSchema, waitQuery } from "../http/schemas";
import { replyWithJob } from "../jobs-view";
import { predictRows } from "../serving/predict";

const listQuery = z.object({
  algorithm: z.string().min(1).optional(),
  task: z.enum(["classification", "regression"]).optional(),
  dataset: z.string().min(1).optional().meta({ description: "Only models trained on this `dataset_path`." }),
  dataset_id: z.string().min(1).optional().meta({ description: "Only models trained on this uploaded dataset." }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).optional(),
});

/** The original metadata shape plus where the model came from. */
function modelView(m: ModelRow) {
  return {
    model_id: m.id,
    algorithm: m.algorithm,
    created_at: m.createdAt.toISOString(),
    metrics: m.metrics,
    hyperparams: m.hyperparams,
    task: m.task,
    dataset_path: m.datasetPath,
    dataset_id: m.datasetId,
    dataset_sha256: m.datasetSha256,
    target_column: m.target,
    features: m.features,
    labels: m.labels,
    test_size: m.testSize,
    random_state: m.randomState,
    n_train: m.nTrain,
    n_test: m.nTest,
    artifact_uri: m.artifactUri,
    artifact_bytes: m.artifactBytes,
    train_duration_ms: m.trainDurationMs,
    study_id: m.studyId,
    trial_number: m.trialNumber,
  };
}

const modelSchema = z
  .object({
    model_id: z.string(),
    algorithm: z.string(),
    created_at: z.string(),
    metrics: z.record(z.string(), z.number()),
    hyperparams: z.record(z.string(), z.unknown()),
    task: z.enum(["classification", "regression"]),
    dataset_path: z.string().nullable().meta({ description: "The file under DATA_DIR it was trained on (null: an uploaded dataset)." }),
    dataset_id: z.string().nullable().meta({ description: "The uploaded dataset it was trained on (null: a file under DATA_DIR)." }),
    dataset_sha256: z.string(),
    target_column: z.string(),
    features: z.array(z.string()),
    labels: z.array(z.union([z.string(), z.number()])).nullable(),
    test_size: z.number(),
    random_state: z.number().int(),
    n_train: z.number().int(),
    n_test: z.number().int(),
    artifact_uri: z.string(),
    artifact_bytes: z.number().int(),
    train_duration_ms: z.number().int(),
    study_id: z.string().nullable(),
    trial_number: z.number().int().nullable(),
  })
  .meta({ id: "Model" });
const compareSchema = z.object({
  dataset_path: z.string().nullable(),
  dataset_id: z.string().nullable(),
  target_column: z.string(),
  task: z.string(),
  models: z.array(z.object({ model_id: z.string(), algorithm: z.string(), hyperparams: z.record(z.string(), z.unknown()), metrics: z.record(z.string(), z.number()), test_size: z.number(), random_state: z.number() })),
  best: z.record(z.string(), z.string()).meta({ description: "For each metric, the id of the best model." }),
});
const notFound = { description: "Unknown model.", schema: errorEnvelope };

/** Model catalogue, evaluation and prediction. */
/** The 404 of an unknown model id. */
export const modelNotFound = (id: string) => new HttpError(404, "MODEL_NOT_FOUND", `No model with id "${id}".`);

export function modelRoutes(ctx: AppContext): Route[] {
  /** The model row of `id`; 404 for an id of the wrong form or an unknown one. */
  const findModel = async (id: string): Promise<ModelRow> => {
    const row = isModelId(id) ? await getModel(ctx.database.db, id) : undefined;
    if (!row) throw modelNotFound(id);
    return row;
  };

  return [
    defineRoute({
      method: "get",
      path: "/models",
      tag: "models",
      summary: "The model catalogue, newest first",
      access: "read-models",
      query: listQuery,
      responses: { 200: { description: "A page of models.", schema: z.object({ models: z.array(modelSchema), next_cursor: z.string().nullable() }) } },
      async handler({ query: q, res }) {
        const filters = { algorithm: q.algorithm, task: q.task, datasetPath: q.dataset, datasetId: q.dataset_id };
        const { page, next_cursor } = await newestFirstPage(q, "model", (before, limit) => listModels(ctx.database.db, { ...filters, before, limit }));
        res.json({ models: page.map(modelView), next_cursor });
      },
    }),
    defineRoute({
      method: "get",
      path: "/models/compare",
      tag: "models",
      summary: "Compare models trained on the same dataset and target",
      access: "read-models",
      query: z.object({ ids: z.string().min(1).meta({ description: "Model ids, comma separated (at least two)." }) }),
      responses: { 200: { description: "The models side by side, and the best per metric.", schema: compareSchema }, 404: notFound, 422: { description: "Not trained on the same data.", schema: errorEnvelope } },
      async handler({ query, res }) {
        const ids = query.ids.split(",").map((s) => s.trim()).filter(Boolean);
        if (ids.length < 2) throw new HttpError(400, "VALIDATION_ERROR", "`ids` must name at least two models, comma separated.");
        const rows = await Promise.all([...new Set(ids)].map(findModel));
        const first = rows[0]!;
        const odd = rows.find((r) => r.datasetSha256 !== first.datasetSha256 || r.target !== first.target || r.task !== first.task);
        if (odd) {
          throw new HttpError(422, "MODELS_NOT_COMPARABLE", `Models ${first.id} and ${odd.id} were not trained on the same dataset and target (${first.datasetPath ?? first.datasetId}:${first.target} vs ${odd.datasetPath ?? odd.datasetId}:${odd.target}).`);
        }
        const metricNames = Object.keys(first.metrics);
        const higherIsBetter = (m: string): boolean => metricDirection(m) === "maximize";
        const best = Object.fromEntries(
          metricNames.map((m) => {
            const sorted = [...rows].sort((a, b) => (higherIsBetter(m) ? b.metrics[m]! - a.metrics[m]! : a.metrics[m]! - b.metrics[m]!));
            return [m, sorted[0]!.id];
          }),
        );
        res.json({
          dataset_path: first.datasetPath,
          dataset_id: first.datasetId,
          target_column: first.target,
          task: first.task,
          models: rows.map((r) => ({ model_id: r.id, algorithm: r.algorithm, hyperparams: r.hyperparams, metrics: r.metrics, test_size: r.testSize, random_state: r.randomState })),
          best,
        });
      },
    }),
    defineRoute({
      method: "get",
      path: "/models/{id}",
      tag: "models",
      summary: "One model's metadata",
      access: "read-models",
      params: idParams,
      responses: { 200: { description: "The model.", schema: modelSchema }, 404: notFound },
      async handler({ params, res }) {
        res.json(modelView(await findModel(params.id)));
      },
    }),
    defineRoute({
      method: "delete",
      path: "/models/{id}",
      tag: "models",
      summary: "Delete a model: its row and its artifact",
      description: "Refused while a registered model's version points at it.",
      access: "admin",
      params: idParams,
      responses: {
        200: { description: "Deleted.", schema: z.object({ deleted: z.literal(true), model_id: z.string() }) },
        404: notFound,
        409: { description: "A registered model's version points at it (MODEL_IN_USE).", schema: errorEnvelope },
      },
      async handler({ params, res }) {
        const row = await findModel(params.id);
        const outcome = await deleteModel(ctx.database.db, row.id, async (locked) => {
          if (ctx.artifacts.kind === "fs") await ctx.artifacts.remove(locked.artifactUri);
        });
        if (outcome.state === "not_found") throw modelNotFound(row.id);
        if (outcome.state === "in_use") {
          const names = outcome.versions.map((v) => `"${v.name}" version ${v.version}`);
          throw new HttpError(409, "MODEL_IN_USE", `Model ${row.id} is ${names.join(", ")} in the registry; delete ${names.length === 1 ? "that version" : "those versions"} first.`, { versions: outcome.versions });
        }
        ctx.serving.models.evict(row.id);
        await ctx.serving.registry.publishModelDeleted(row.id);
        res.status(200).json({ deleted: true, model_id: row.id });
      },
    }),
    defineRoute({
      method: "get",
      path: "/model/{id}/evaluate",
      tag: "models",
      summary: "Evaluate a model on its held-out rows",
      description: "Metrics, confusion matrix, classification report and feature importance, computed once by an evaluate job, then cached. With `?wait=s` answers once computed.",
      access: "trainer",
      params: idParams,
      query: waitQuery,
      responses: {
        200: { description: "The evaluation.", schema: evaluateResult.meta({ id: "Evaluation" }) },
        202: { description: "Being computed.", schema: pendingJobSchema },
        404: notFound,
        409: { description: "The dataset changed since training.", schema: errorEnvelope },
      },
      async handler({ params, query, principal, res }) {
        const row = await findModel(params.id);
        if (row.evaluation) return void res.json(row.evaluation);
        const jobId = evaluateJob.jobId(row.id);
        let job = (await ctx.queues.find(jobId))?.job;
        if (job && (await job.getState()) === "failed") {
          await job.remove();
          job = undefined;
        }
        if (!job) {
          await ctx.quota.reserve(principal!.keyId, jobId, queueOfJobId);
          job = await ctx.queues.add(evaluateJob, { model_id: row.id }, jobId);
        }
        await replyWithJob(res, ctx.queues, evaluateJob, job, query.wait, {
          completed: (result) => result,
          failed: (error) => {
            throw new HttpError(error.status, error.code, error.message, error.details);
          },
        });
      },
    }),
    defineRoute({
      method: "post",
      path: "/model/{id}/predict",
      tag: "serving",
      summary: "Predict raw rows with a model",
      access: "predict",
      params: idParams,
      body: predictBody,
      responses: { 200: { description: "One prediction per row (and class probabilities where the model gives them).", schema: predictionSchema }, 404: notFound, 422: { description: "A row's value cannot be used.", schema: errorEnvelope } },
      async handler({ params, body, res }) {
        const started = performance.now();
        const row = isModelId(params.id) ? await ctx.serving.registry.model(params.id) : undefined;
        if (!row) throw modelNotFound(params.id);
        const model = await ctx.serving.models.get(row.id, row.artifactUri, row.artifactBytes);
        const answer = predictRows(model, body.rows);
        const ids = ctx.serving.predictions.ids(body.rows.length);
        res.json({ ...answer, prediction_ids: ids });
        ctx.serving.predictions.record({ requestId: randomUUID(), ids, rows: body.rows, modelId: row.id, ...answer, latencyMs: performance.now() - started });
      },
    }),
  ];
}
