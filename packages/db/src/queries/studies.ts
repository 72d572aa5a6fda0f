import { and, asc, count, eq, inArray, ne, sql } from "drizzle-orm";
import type { Db } from "../client";
import { studies, trials, type StudyRow, type TrialRow } from "../schema";
import { newestFirst, type PageInput } from "./keyset";

export type NewStudy = typeof studies.$inferInsert;

/**
 * Inserts a study, or answers the one already stored under its id (a replayed request creating
 * it again, as `Idempotency-Key` does after a crash, keeps the first).
 */
export async function insertStudy(db: Db, row: NewStudy): Promise<StudyRow> {
  const [inserted] = await db.insert(studies).values(row).onConflictDoNothing({ target: studies.id }).returning();
  return inserted ?? (await getStudy(db, row.id))!;
}

/** The study `id`, or undefined. */
export async function getStudy(db: Db, id: string): Promise<StudyRow | undefined> {
  return db.query.studies.findFirst({ where: eq(studies.id, id) });
}

/** Filters and cursor of `listStudies`. */
export interface ListStudiesInput extends PageInput {
  state?: StudyRow["state"];
  algorithm?: string;
  datasetPath?: string;
  datasetId?: string;
}

/** Studies newest first, filtered, one page at a time (keyset pagination on created_at, id). */
export async function listStudies(db: Db, input: ListStudiesInput): Promise<StudyRow[]> {
  const filters = [
    input.state ? eq(studies.state, input.state) : undefined,
    input.algorithm ? eq(studies.algorithm, input.algorithm) : undefined,
    input.datasetPath ? eq(studies.datasetPath, input.datasetPath) : undefined,
    input.datasetId ? eq(studies.datasetId, input.datasetId) : undefined,
  ];
  return newestFirst(db, studies, filters, input);
}

/** How many trials of each study in `studyIds` have finished (complete, pruned or failed). */
export async function finishedTrialCounts(db: Db, studyIds: readonly string[]): Promise<Map<string, number>> {
  if (studyIds.length === 0) return new Map();
  const rows = await db
    .select({ studyId: trials.studyId, n: count() })
    .from(trials)
    .where(and(inArray(trials.studyId, [...studyIds]), ne(trials.state, "running")))
    .groupBy(trials.studyId);
  return new Map(rows.map((r) => [r.studyId, r.n]));
}

/** Every trial of a study, by number. */
export async function listTrials(db: Db, studyId: string): Promise<TrialRow[]> {
  return db.select().from(trials).where(eq(trials.studyId, studyId)).orderBy(asc(trials.number));
}

/** One trial, or undefined. */
export async function getTrial(db: Db, studyId: string, number: number): Promise<TrialRow | undefined> {
  return db.query.trials.findFirst({ where: and(eq(trials.studyId, studyId), eq(trials.number, number)) });
}

/**
 * Creates the next trial of a study under a row lock on the study, so that coordinators never
 * give two trials one number, nor make more than the study's `n_trials` (two coordinators can
 * run at once: one whose job lock ran out while Redis was away, and the one that took the job
 * back), nor start one once the study is no longer running (cancelled). `choose` gets every
 * existing trial and answers the new params, or null to create none (the study's budget is
 * spent). Answers undefined when no trial was made.
 */
export async function createTrial(
  db: Db,
  studyId: string,
  choose: (existing: TrialRow[]) => Record<string, unknown> | null,
): Promise<TrialRow | undefined> {
  return db.transaction(async (tx) => {
    const [study] = await tx.select({ nTrials: studies.nTrials, state: studies.state }).from(studies).where(eq(studies.id, studyId)).for("update");
    if (study?.state !== "running") return undefined;
    const existing = await tx.select().from(trials).where(eq(trials.studyId, studyId)).orderBy(asc(trials.number));
    if (existing.length >= study.nTrials) return undefined;
    const params = choose(existing);
    if (params === null) return undefined;
    const [row] = await tx.insert(trials).values({ studyId, number: existing.length, params, state: "running", attempts: 0 }).returning();
    return row!;
  });
}

/** Marks a (re)started attempt of a trial: clears its intermediate values and rungs, records the worker. */
export async function startTrialAttempt(db: Db, studyId: string, number: number, workerId: string): Promise<TrialRow | undefined> {
  const [row] = await db
    .update(trials)
    .set({ workerId, foldScores: [], rungs: [], startedAt: new Date(), attempts: sql`${trials.attempts} + 1` })
    .where(and(eq(trials.studyId, studyId), eq(trials.number, number), eq(trials.state, "running")))
    .returning();
  return row;
}

/**
 * Moves a running trial to its final state, once: a trial that is no longer running is left as
 * it is (a retried job can never count twice). True when this call finished it.
 */
export async function finishTrial(
  db: Db,
  studyId: string,
  number: number,
  result: { state: "complete" | "pruned" | "failed"; value?: number | null; foldScores?: number[]; durationMs?: number; error?: string },
): Promise<boolean> {
  const updated = await db
    .update(trials)
    .set({
      state: result.state,
      value: result.value ?? null,
      ...(result.foldScores ? { foldScores: result.foldScores } : {}),
      durationMs: result.durationMs ?? null,
      error: result.error ?? null,
      // the database's clock, to the microsecond: one clock for every worker, so the order trials finished in is exact (Hyperband's "auto" resource reads it)
      finishedAt: sql`clock_timestamp()`,
    })
    .where(and(eq(trials.studyId, studyId), eq(trials.number, number), eq(trials.state, "running")))
    .returning({ number: trials.number });
  return updated.length > 0;
}

/** Updates a study's outcome fields. */
export async function updateStudy(db: Db, id: string, set: Partial<NewStudy>): Promise<void> {
  await db.update(studies).set(set).where(eq(studies.id, id));
}
