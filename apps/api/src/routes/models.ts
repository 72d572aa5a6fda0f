import { Router } from "express";
import { z } from "zod";
import { deleteModel, getModel, listModels, type ModelRow } from "@mlw/db";
import { evaluateJob, isModelId } from "@mlw/jobs";
import { metricDirection } from "@mlw/ml-core/metrics";

import type { Deps } from "../deps";
import { HttpError, parseOr400 } from "../errors";
import { replyWithJob } from "../jobs-view";
import { ModelCache } from "../model-cache";
import { waitSeconds } from "./common";

const MAX_PREDICT_ROWS = 10_000;

const listQuery = z.object({
  algorithm: z.string().min(1).optional(),
  task: z.enum(["classification", "regression"]).optional(),
  dataset: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).optional(),
});
const predictBody = z.object({
  rows: z.array(z.record(z.string(), z.unknown())).min(1, "rows must hold at least one row").max(MAX_PREDICT_ROWS, `at most ${MAX_PREDICT_ROWS} rows per request`),
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

function encodeCursor(m: ModelRow): string {
  return Buffer.from(`${m.createdAt.toISOString()}|${m.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(at ?? "");
  if (!id || !isModelId(id) || Number.isNaN(createdAt.getTime())) throw new HttpError(400, "INVALID_CURSOR", "`cursor` is not a cursor this API gave out.");
  return { createdAt, id };
}

/** Model catalogue, evaluation and prediction. */
export function modelRoutes(deps: Deps): Router {
  const router = Router();
  const cache = new ModelCache(deps.artifacts, deps.env.MODEL_CACHE_SIZE);

  /** The model row of `id`; 404 for an id of the wrong form or an unknown one. */
  const findModel = async (id: string): Promise<ModelRow> => {
    const row = isModelId(id) ? await getModel(deps.database.db, id) : undefined;
    if (!row) throw new HttpError(404, "MODEL_NOT_FOUND", `No model with id "${id}".`);
    return row;
  };

  router.get("/models", async (req, res) => {
    const q = parseOr400(listQuery, req.query, "query");
    const rows = await listModels(deps.database.db, {
      algorithm: q.algorithm,
      task: q.task,
      datasetPath: q.dataset,
      limit: q.limit + 1,
      before: q.cursor ? decodeCursor(q.cursor) : undefined,
    });
    const page = rows.slice(0, q.limit);
    res.json({ models: page.map(modelView), next_cursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]!) : null });
  });

  router.get("/models/compare", async (req, res) => {
    const ids = parseOr400(z.object({ ids: z.string().min(1) }), req.query, "query").ids.split(",").map((s) => s.trim()).filter(Boolean);
    if (ids.length < 2) throw new HttpError(400, "VALIDATION_ERROR", "`ids` must name at least two models, comma separated.");
    const rows = await Promise.all([...new Set(ids)].map(findModel));
    const first = rows[0]!;
    const odd = rows.find((r) => r.datasetSha256 !== first.datasetSha256 || r.target !== first.target || r.task !== first.task);
    if (odd) {
      throw new HttpError(422, "MODELS_NOT_COMPARABLE", `Models ${first.id} and ${odd.id} were not trained on the same dataset and target (${first.datasetPath}:${first.target} vs ${odd.datasetPath}:${odd.target}).`);
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
      target_column: first.target,
      task: first.task,
      models: rows.map((r) => ({ model_id: r.id, algorithm: r.algorithm, hyperparams: r.hyperparams, metrics: r.metrics, test_size: r.testSize, random_state: r.randomState })),
      best,
    });
  });

  router.get("/models/:id", async (req, res) => {
    res.json(modelView(await findModel(req.params.id)));
  });

  router.delete("/models/:id", async (req, res) => {
    const row = await findModel(req.params.id);
    if (deps.artifacts.kind === "fs") await deps.artifacts.remove(row.artifactUri);
    await deleteModel(deps.database.db, row.id);
    cache.evict(row.id);
    res.status(200).json({ deleted: true, model_id: row.id });
  });

  router.get("/model/:id/evaluate", async (req, res) => {
    const wait = waitSeconds(req.query);
    const row = await findModel(req.params.id);
    if (row.evaluation) {
      res.json(row.evaluation);
      return;
    }
    const jobId = evaluateJob.jobId(row.id);
    let job = (await deps.queues.find(jobId))?.job;
    if (job && (await job.getState()) === "failed") {
      await job.remove();
      job = undefined;
    }
    job ??= await deps.queues.add(evaluateJob, { model_id: row.id }, jobId);
    await replyWithJob(res, deps.queues, evaluateJob, job, wait, {
      completed: (result) => result,
      failed: (error) => {
        throw new HttpError(error.status, error.code, error.message, error.details);
      },
    });
  });

  router.post("/model/:id/predict", async (req, res) => {
    const row = await findModel(req.params.id);
    const { rows } = parseOr400(predictBody, req.body ?? {});
    const model = await cache.get(row.id, row.artifactUri);
    const X = model.pipeline.transformRecords(rows);
    const pred = model.estimator.predict(X);
    if (model.task === "regression") {
      res.json({ predictions: Array.from(pred) });
      return;
    }
    const labels = model.labels!;
    const body: { predictions: unknown[]; probabilities?: Record<string, number>[] } = { predictions: Array.from(pred, (k) => labels[k]) };
    if (model.estimator.predictProba) {
      const p = model.estimator.predictProba(X);
      body.probabilities = Array.from({ length: p.rows }, (_, i) => Object.fromEntries(labels.map((l, k) => [String(l), p.data[i * p.cols + k]!])));
    }
    res.json(body);
  });

  return router;
}

