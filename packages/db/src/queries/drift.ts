import { and, desc, eq, gte, isNotNull } from "drizzle-orm";
import type { Db } from "../client";
import { driftReports, modelAliases, modelReferences, predictionLog, type DriftReportRow } from "../schema";

/** Most logged rows a drift window reads (the newest ones). */
export const DRIFT_MAX_ROWS = 50_000;

/** Stores a model's drift reference (once, at train time). */
export async function saveModelReference(db: Db, modelId: string, profile: Record<string, unknown>): Promise<void> {
  await db.insert(modelReferences).values({ modelId, profile }).onConflictDoUpdate({ target: modelReferences.modelId, set: { profile } });
}

/** A model's drift reference, or undefined for a model trained before references were kept. */
export async function getModelReference(db: Db, modelId: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await db.select({ profile: modelReferences.profile }).from(modelReferences).where(eq(modelReferences.modelId, modelId));
  return row?.profile;
}

/**
 * The raw input rows logged since `since` (the newest `DRIFT_MAX_ROWS`): of the predictions served
 * through registered model `name` at `version`, or of every prediction model `modelId` made.
 * Rows logged without their input are skipped.
 */
export async function loggedInputs(db: Db, input: { since: Date } & ({ name: string; version: number } | { modelId: string })): Promise<Record<string, unknown>[]> {
  const served = "modelId" in input ? eq(predictionLog.modelId, input.modelId) : and(eq(predictionLog.registeredName, input.name), eq(predictionLog.version, input.version));
  const rows = await db
    .select({ input: predictionLog.input })
    .from(predictionLog)
    .where(and(served, gte(predictionLog.createdAt, input.since), isNotNull(predictionLog.input)))
    .orderBy(desc(predictionLog.createdAt))
    .limit(DRIFT_MAX_ROWS);
  return rows.map((r) => r.input!);
}

/** Every (registered model, version) an alias points at, for the scheduled drift check. */
export async function aliasedVersions(db: Db): Promise<{ name: string; version: number }[]> {
  return db.selectDistinct({ name: modelAliases.name, version: modelAliases.version }).from(modelAliases).orderBy(modelAliases.name, modelAliases.version);
}

/** Stores one scheduled drift check. */
export async function insertDriftReport(db: Db, row: typeof driftReports.$inferInsert): Promise<DriftReportRow> {
  const [inserted] = await db.insert(driftReports).values(row).returning();
  return inserted!;
}

/** The stored drift checks of a registered model, newest first. */
export async function listDriftReports(db: Db, name: string, limit = 20): Promise<DriftReportRow[]> {
  return db.select().from(driftReports).where(eq(driftReports.name, name)).orderBy(desc(driftReports.createdAt), desc(driftReports.id)).limit(limit);
}
