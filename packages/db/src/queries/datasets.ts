import { eq } from "drizzle-orm";
import type { Db } from "../client";
import type { DatasetStore } from "../dataset-store";
import { datasets, models, studies, type DatasetRow } from "../schema";
import { newestFirst, type PageInput } from "./keyset";

/** The dataset `id`, or undefined. */
export async function getDataset(db: Db, id: string): Promise<DatasetRow | undefined> {
  return db.query.datasets.findFirst({ where: eq(datasets.id, id) });
}

/** Datasets newest first, one page at a time (keyset pagination on created_at, id, as `listModels`). */
export function listDatasets(db: Db, page: PageInput): Promise<DatasetRow[]> {
  return newestFirst(db, datasets, [], page);
}

/** What `deleteDataset` did: deleted, found nothing, or refused because models or studies refer to it. */
export type DeleteDatasetOutcome =
  | { readonly state: "deleted" | "not_found" }
  | { readonly state: "in_use"; readonly models: string[]; readonly studies: string[] };

/**
 * Deletes dataset `id` and its bytes from `store`, unless a model or a study refers to it (up to
 * 10 of each are named). The row is locked first, so two deletes do not race.
 */
export async function deleteDataset(db: Db, store: DatasetStore, id: string): Promise<DeleteDatasetOutcome> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(datasets).where(eq(datasets.id, id)).for("update");
    if (!row) return { state: "not_found" };
    const usedBy = await tx.select({ id: models.id }).from(models).where(eq(models.datasetId, id)).limit(10);
    const studiedBy = await tx.select({ id: studies.id }).from(studies).where(eq(studies.datasetId, id)).limit(10);
    if (usedBy.length || studiedBy.length) return { state: "in_use", models: usedBy.map((m) => m.id), studies: studiedBy.map((s) => s.id) };
    await store.remove(tx, row.id, row.location);
    return { state: "deleted" };
  });
}
