import { and, asc, count, eq } from "drizzle-orm";
import { bestTrial } from "@mlw/ml-core/study";
import type { Db } from "../client";
import { studies, trials, type StudyRow } from "../schema";
import { storedTrial } from "./study-store";

/** What `cancelStudy` did: cancelled a running study (and failed these trials), or found it not running. */
export type CancelStudyOutcome = { readonly outcome: "cancelled"; readonly study: StudyRow; readonly trials: readonly number[] } | { readonly outcome: "not_running"; readonly study: StudyRow };

/**
 * Cancels a running study, in one transaction under its row lock (which `createTrial` takes too,
 * so no trial starts after): its running trials fail with `error`, its best complete trial so far
 * is recorded, and its state becomes `cancelled`. A trial that completes meanwhile either
 * finished first (and counts for the best) or stays failed (`finishTrial` moves a trial once).
 * Answers the study and the numbers of the trials it failed, whose jobs the caller stops;
 * undefined for an unknown study.
 */
export async function cancelStudy(db: Db, id: string, error: string): Promise<CancelStudyOutcome | undefined> {
  return db.transaction(async (tx) => {
    const [study] = await tx.select().from(studies).where(eq(studies.id, id)).for("update");
    if (!study) return undefined;
    if (study.state !== "running") return { outcome: "not_running", study };
    const now = new Date();
    const failed = await tx
      .update(trials)
      .set({ state: "failed", error, finishedAt: now })
      .where(and(eq(trials.studyId, id), eq(trials.state, "running")))
      .returning({ number: trials.number });
    const all = await tx.select().from(trials).where(eq(trials.studyId, id)).orderBy(asc(trials.number));
    const best = bestTrial(all.map(storedTrial), study.direction);
    const bestColumns = best ? { bestTrialNumber: best.number, bestValue: best.value ?? null, bestParams: best.params } : {};
    const [cancelled] = await tx.update(studies).set({ state: "cancelled", finishedAt: now, ...bestColumns }).where(eq(studies.id, id)).returning();
    return { outcome: "cancelled", study: cancelled!, trials: failed.map((t) => t.number).sort((a, b) => a - b) };
  });
}

/** What `continueStudy` did: the study runs again with a larger budget (its trials so far: `from`), or it was running. */
export type ContinueStudyOutcome = { readonly outcome: "continued"; readonly study: StudyRow; readonly previous: StudyRow; readonly from: number } | { readonly outcome: "running"; readonly study: StudyRow };

/**
 * Continues a study that is not running (complete, cancelled or failed) with `addTrials` more
 * trials, under run `jobId`: its budget becomes its trials so far plus `addTrials` (so the new
 * trials are numbered after the existing ones), it is `running` again, and with `timeoutSeconds`
 * no new trial starts that many seconds from now (none without). The sampler continues from the
 * stored trials, as it would have in one longer run. Answers the study before and after;
 * undefined for an unknown study.
 */
export async function continueStudy(db: Db, id: string, input: { addTrials: number; jobId: string; timeoutSeconds?: number }): Promise<ContinueStudyOutcome | undefined> {
  return db.transaction(async (tx) => {
    const [study] = await tx.select().from(studies).where(eq(studies.id, id)).for("update");
    if (!study) return undefined;
    if (study.state === "running") return { outcome: "running", study };
    const [row] = await tx.select({ n: count() }).from(trials).where(eq(trials.studyId, id));
    const from = row?.n ?? 0;
    // The deadline is counted from the study's creation (`studyDefinition`): the time so far plus the new timeout.
    const timeoutSeconds = input.timeoutSeconds === undefined ? null : Math.ceil((Date.now() - study.createdAt.getTime()) / 1000 + input.timeoutSeconds);
    const [continued] = await tx
      .update(studies)
      .set({ state: "running", nTrials: from + input.addTrials, jobId: input.jobId, timeoutSeconds, error: null, finishedAt: null })
      .where(eq(studies.id, id))
      .returning();
    return { outcome: "continued", study: continued!, previous: study, from };
  });
}
