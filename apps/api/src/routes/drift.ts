import { z } from "zod";
import { getAlias, getModelReference, getModelVersion, getRegisteredModel, loggedInputs } from "@mlw/db";
import { DEFAULT_DRIFT_SHARE, driftReport, MIN_DRIFT_ROWS, type ReferenceProfile } from "@mlw/ml-core/drift";
import { durationSchema, formatDuration } from "@mlw/runtime";
import { HttpError } from "../errors";
import type { AppContext } from "../http/context";
import { defineRoute, type Route } from "../http/route";
import { errorEnvelope } from "../http/schemas";
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

export const driftReportSchema = z
  .object({
    name: z.string(),
    version: z.number().int(),
    model_id: z.string(),
    window: z.string(),
    columns: z.array(columnDriftSchema),
    dataset_drifted: z.boolean().meta({ description: "At least `share` of the columns drifted." }),
    share: z.number(),
    drifted_columns: z.number().int(),
    rows: z.number().int().meta({ description: "Logged rows in the window (the newest 50,000 at most)." }),
    reference_rows: z.number().int().meta({ description: "Training rows of the version's model: the reference." }),
  })
  .meta({ id: "DriftReport" });

const driftQuery = z.object({
  window: durationSchema.prefault("24h").meta({ description: "How far back to read the prediction log: 15m, 24h, 7d.", type: "string" }),
  version: versionNumber.optional().meta({ description: "Default: the version `champion` points at." }),
  share: z.coerce.number().gt(0, "share must be above 0").max(1, "share must be at most 1").default(DEFAULT_DRIFT_SHARE),
});

/** The drift report of a registered model's version over a window of its prediction log. */
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

  return [
    defineRoute({
      method: "get",
      path: "/registered-models/{name}/drift",
      tag: "registry",
      summary: "Input drift of a registered model's version against its training data",
      description:
        "Compares, column by column, the raw input rows logged for predictions served through this name at this version during the last `window` with the profile of the model's training split (stored at train time). Tests follow Evidently's defaults by reference size: up to 1,000 training rows KS (numeric) and the chi-square test of the 2 × k table (categorical), p < 0.05; above, Wasserstein distance over the reference std and Jensen–Shannon distance, >= 0.1. PSI for every column. Logged values are read as predict reads them: numeric text is a number, `\"\"` and null are missing.",
      access: "read-models",
      params: nameParams,
      query: driftQuery,
      responses: {
        200: { description: "The report.", schema: driftReportSchema },
        404: { description: "Unknown registered model (REGISTERED_MODEL_NOT_FOUND), no `champion` alias and no `version` (ALIAS_NOT_FOUND), or unknown version (VERSION_NOT_FOUND).", schema: errorEnvelope },
        409: { description: "The version's model was trained before drift references were stored (NO_DRIFT_REFERENCE): retrain it.", schema: errorEnvelope },
        422: { description: `The window holds fewer than ${MIN_DRIFT_ROWS} logged rows (TOO_FEW_ROWS, details: rows, min_rows).`, schema: errorEnvelope },
      },
      async handler({ params, query, res }) {
        const served = await servedVersion(params.name, query.version);
        const reference = await getModelReference(db, served.modelId);
        if (!reference) throw new HttpError(409, "NO_DRIFT_REFERENCE", `Model ${served.modelId} (version ${served.version} of "${params.name}") has no drift reference: it was trained before references were stored. Retrain it and register the new model.`);
        const rows = await loggedInputs(db, { name: params.name, version: served.version, since: new Date(Date.now() - query.window) });
        const report = driftReport(reference as unknown as ReferenceProfile, rows, query.share);
        res.json({ name: params.name, version: served.version, model_id: served.modelId, window: formatDuration(query.window), ...report });
      },
    }),
  ];
}
