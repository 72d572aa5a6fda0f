import { z } from "zod";
import { getAlias, getModel, getModelReference, getModelVersion, getRegisteredModel, loggedInputs } from "@mlw/db";
import { DEFAULT_DRIFT_SHARE, driftReport, MIN_DRIFT_ROWS, type ReferenceProfile } from "@mlw/ml-core/drift";
import { durationSchema, formatDuration } from "@mlw/runtime";
import { HttpError } from "../errors";
import type { AppContext } from "../http/context";
import { defineRoute, type Route } from "../http/route";
import { errorEnvelope, idParams } from "../http/schemas";
import { modelNotFound } from "./models";
import { aliasNotFound, nameNotFound, nameParams, versionNotFound, versionNumber } from "./registry";
import { DEFAULT_ALIAS } from "./serving";

const columnDriftSchema = z
  .object({
    column: z.string(),
    test: z.enum(["ks", "chi_square", "wasserstein_norm", "jensen_shannon"]).meta({ description: "Chosen by reference size: ks / chi_square up to 1,000 training rows, wasserstein_norm / jensen_shannon above." }),
    statistic: z.number().nullable().meta({ description: "KS D, chi-square, Wasserstein distance / reference std, or Jensen–Shannon distance (natural log); null when the window has no value for the column." }),
    p_value: z.number().nullable().meta({ description: "For ks and chi_square; null for the distances." }),
    threshold: z.number().meta({ description: "ks / chi_square: drifted when p_value < threshold (0.05); distances: when statistic >= threshold (0.1)." }),
    drifted: z.boolean(),
    psi: z.number().nullable().meta({ description: "Population stability index: numeric columns on the reference's deciles, categorical ones per category; an empty bin counts as 0.0001." }),
    psi_band: z.enum(["none", "moderate", "major"]).nullable().meta({ description: "none < 0.1 <= moderate < 0.25 <= major." }),
    values: z.number().int().meta({ description: "The window's non-missing values of the column." }),
  })
  .meta({ id: "ColumnDrift" });

const reportFields = {
  model_id: z.string(),
  window: z.string(),
  columns: z.array(columnDriftSchema),
  dataset_drifted: z.boolean().meta({ description: "At least `share` of the columns drifted." }),
  share: z.number(),
  drifted_columns: z.number().int(),
  rows: z.number().int().meta({ description: "Logged rows in the window (the newest 50,000 at most)." }),
  reference_rows: z.number().int().meta({ description: "Training rows of the model: the reference." }),
};
const modelDriftSchema = z.object(reportFields).meta({ id: "ModelDriftReport" });
const driftReportSchema = z.object({ name: z.string(), version: z.number().int(), ...reportFields }).meta({ id: "DriftReport" });

const TESTS =
  "Tests follow Evidently's defaults by reference size: up to 1,000 training rows KS (numeric) and the chi-square test of the 2 × k table (categorical), p < 0.05; above, Wasserstein distance over the reference std and Jensen–Shannon distance, >= 0.1. PSI for every column. Logged values are read as predict reads them: numeric text is a number, `\"\"` and null are missing.";
const refusals = {
  409: { description: "The model was trained before drift references were stored (NO_DRIFT_REFERENCE): retrain it.", schema: errorEnvelope },
  422: { description: `The window holds fewer than ${MIN_DRIFT_ROWS} logged rows (TOO_FEW_ROWS, details: rows, min_rows).`, schema: errorEnvelope },
};

const driftQuery = z.object({
  window: durationSchema.prefault("24h").meta({ description: "How far back to read the prediction log: 15m, 24h, 7d.", type: "string" }),
  share: z.coerce.number().gt(0, "share must be above 0").max(1, "share must be at most 1").default(DEFAULT_DRIFT_SHARE),
});

/** The drift reports: of a registered model's version (the predictions served through its name), and of a model (all its predictions). */
export function driftRoutes(ctx: AppContext): Route[] {
  const db = ctx.database.db;

  const servedVersion = async (name: string, version: number | undefined): Promise<{ version: number; modelId: string }> => {
    if (!(await getRegisteredModel(db, name))) throw nameNotFound(name);
    let v = version;
    if (v === undefined) {
      const alias = await getAlias(db, name, DEFAULT_ALIAS);
      if (!alias) throw aliasNotFound(name, DEFAULT_ALIAS);
      v = alias.version;
    }
    const row = await getModelVersion(db, name, v);
    if (!row) throw versionNotFound(name, v);
    return { version: v, modelId: row.modelId };
  };

  /** The report of model `modelId` over the rows `served` picks in the last `windowMs`. */
  const report = async (modelId: string, served: { name: string; version: number } | { modelId: string }, windowMs: number, share: number) => {
    const reference = await getModelReference(db, modelId);
    if (!reference) throw new HttpError(409, "NO_DRIFT_REFERENCE", `Model ${modelId} has no drift reference: it was trained before references were stored. Retrain it (and register the new model).`);
    const rows = await loggedInputs(db, { ...served, since: new Date(Date.now() - windowMs) });
    return { model_id: modelId, window: formatDuration(windowMs), ...driftReport(reference as unknown as ReferenceProfile, rows, share) };
  };

  return [
    defineRoute({
      method: "get",
      path: "/registered-models/{name}/drift",
      tag: "registry",
      summary: "Input drift of a registered model's version against its training data",
      description: `Compares, column by column, the raw input rows logged for predictions served through this name at this version during the last \`window\` with the profile of the model's training split (stored at train time). ${TESTS}`,
      access: "read-models",
      params: nameParams,
      query: driftQuery.extend({ version: versionNumber.optional().meta({ description: "Default: the version `champion` points at." }) }),
      responses: {
        200: { description: "The report.", schema: driftReportSchema },
        404: { description: "Unknown registered model (REGISTERED_MODEL_NOT_FOUND), no `champion` alias and no `version` (ALIAS_NOT_FOUND), or unknown version (VERSION_NOT_FOUND).", schema: errorEnvelope },
        ...refusals,
      },
      async handler({ params, query, res }) {
        const served = await servedVersion(params.name, query.version);
        res.json({ name: params.name, version: served.version, ...(await report(served.modelId, { name: params.name, version: served.version }, query.window, query.share)) });
      },
    }),
    defineRoute({
      method: "get",
      path: "/models/{id}/drift",
      tag: "models",
      summary: "Input drift of a model against its training data",
      description: `The report of \`GET /registered-models/{name}/drift\` over every prediction the model made in the last \`window\` (by id and through any name). ${TESTS}`,
      access: "read-models",
      params: idParams,
      query: driftQuery,
      responses: { 200: { description: "The report.", schema: modelDriftSchema }, 404: { description: "Unknown model (MODEL_NOT_FOUND).", schema: errorEnvelope }, ...refusals },
      async handler({ params, query, res }) {
        const model = await getModel(db, params.id);
        if (!model) throw modelNotFound(params.id);
        res.json(await report(model.id, { modelId: model.id }, query.window, query.share));
      },
    }),
  ];
}
