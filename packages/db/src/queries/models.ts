import { eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { modelArtifacts, modelReferences, models, type ModelRow, type NewModelRow } from "../schema";
import { newestFirst, type PageInput } from "./keyset";
import { versionsOfModel } from "./registry";

/** Inserts a model row. */
export async function insertModel(db: Db, row: NewModelRow): Promise<ModelRow> {
  const [inserted] = await db.insert(models).values(row).returning();
  return inserted!;
}

/** The model a train job saved (the earliest, should there be several), or undefined. */
export async function findModelOfJob(db: Db, jobId: string): Promise<ModelRow | undefined> {
  return db.query.models.findFirst({ where: eq(models.jobId, jobId), orderBy: models.createdAt });
}

/** The model `id`, or undefined. */
export async function getModel(db: Db, id: string): Promise<ModelRow | undefined> {
  return db.query.models.findFirst({ where: eq(models.id, id) });
}

/** Filters and cursor of `listModels`. */
export interface ListModelsInput extends PageInput {
  algorithm?: string;
  task?: "classification" | "regression";
  datasetPath?: string;
  datasetId?: string;
}

/** Models newest first, filtered, one page at a time (keyset pagination on created_at, id). */
export async function listModels(db: Db, input: ListModelsInput): Promise<ModelRow[]> {
  const filters = [
    input.algorithm ? eq(models.algorithm, input.algorithm) : undefined,
    input.task ? eq(models.task, input.task) : undefined,
    input.datasetPath ? eq(models.datasetPath, input.datasetPath) : undefined,
    input.datasetId ? eq(models.datasetId, input.datasetId) : undefined,
  ];
  return newestFirst(db, models, filters, input);
}

/** What `deleteModel` did: deleted, found nothing, or refused because registry versions point at the model. */
export type DeleteModelOutcome =
  | { readonly state: "deleted" | "not_found" }
  | { readonly state: "in_use"; readonly versions: { name: string; version: number }[] };

/**
 * Deletes the model row and its stored artifact, unless a registered model's version points at
 * it. The row is locked first, so a version registered meanwhile either is seen here or finds the
 * model gone. `beforeDelete` runs inside the transaction (removing an artifact file): if it
 * throws, nothing is deleted.
 */
export async function deleteModel(db: Db, id: string, beforeDelete?: (row: ModelRow) => Promise<void>): Promise<DeleteModelOutcome> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(models).where(eq(models.id, id)).for("update");
    if (!row) return { state: "not_found" };
    const versions = await versionsOfModel(tx, id);
    if (versions.length) return { state: "in_use", versions };
    await beforeDelete?.(row);
    await tx.delete(modelArtifacts).where(eq(modelArtifacts.modelId, id));
    await tx.delete(modelReferences).where(eq(modelReferences.modelId, id));
    await tx.delete(models).where(eq(models.id, id));
    return { state: "deleted" };
  });
}

/** Caches a computed evaluation on the model row. */
export async function saveEvaluation(db: Db, id: string, evaluation: Record<string, unknown>): Promise<void> {
  await db.update(models).set({ evaluation }).where(eq(models.id, id));
}

/** Number of models (for tests and ops). */
export async function countModels(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(models);
  return row?.n ?? 0;
}
