import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { SearchSpace } from "@mlw/ml-core";
import { prunerConfigSchema, samplerConfigSchema, type CompleteFacts, type Params, type PrunerConfig, type PruneSummary, type SamplerConfig, type StoredTrial, type StudyDefinition, type StudyStore, type TrialValue } from "@mlw/ml-core/study";
import type { Db } from "../client";
import { studies, trials, type StudyRow, type TrialRow } from "../schema";
import { createTrial, finishTrial, listTrials } from "./studies";

/** A study row as the study engine sees it (a study from before samplers and pruners had a name runs TPE, no pruner). */
export function studyDefinition(s: StudyRow): StudyDefinition {
  return {
    id: s.id,
    direction: s.direction,
    searchSpace: s.searchSpace as SearchSpace,
    nTrials: s.nTrials,
    nParallel: s.nParallel,
    randomState: s.randomState,
    sampler: samplerConfigSchema.parse({ ...s.samplerSettings, name: s.sampler }),
    pruner: prunerConfigSchema.parse({ ...s.prunerSettings, name: s.pruner ?? "none" }),
    initialTrials: s.initialTrials as Params[],
    deadline: s.timeoutSeconds ? s.createdAt.getTime() + s.timeoutSeconds * 1000 : Infinity,
  };
}

/** The study columns that hold a sampler and a pruner choice. */
export function studyChoiceColumns(sampler: SamplerConfig, pruner: PrunerConfig): Pick<StudyRow, "sampler" | "samplerSettings" | "pruner" | "prunerSettings"> {
  const { name: samplerName, ...samplerSettings } = sampler;
  const { name: prunerName, ...prunerSettings } = pruner;
  return { sampler: samplerName, samplerSettings, pruner: prunerName, prunerSettings };
}

/** A trial row as the study engine sees it. */
export function storedTrial(t: TrialRow): StoredTrial {
  return { number: t.number, params: t.params as Params, state: t.state, value: t.value, intermediate: t.foldScores, rungs: t.rungs, error: t.error, finishedAt: t.finishedAt?.getTime() ?? null };
}

/**
 * The study engine's `StudyStore` over Postgres. New trials are numbered under a row lock on the
 * study (`createTrial`), so a grid index is claimed once however many coordinators ask; pruning
 * reads only the values at the step or rung being decided: a median or percentile decision is one
 * small aggregate query.
 */
export function postgresStudyStore(db: Db): StudyStore {
  return {
    listTrials: async (studyId) => (await listTrials(db, studyId)).map(storedTrial),
    createTrial: async (studyId, choose) => {
      const row = await createTrial(db, studyId, (existing) => choose(existing.map(storedTrial)));
      return row && storedTrial(row);
    },
    recordSteps: async (studyId, number, intermediate, rungs) => {
      await db
        .update(trials)
        .set({ foldScores: [...intermediate], rungs: [...rungs] })
        .where(and(eq(trials.studyId, studyId), eq(trials.number, number), eq(trials.state, "running")));
    },
    finishTrial: (studyId, number, o) =>
      finishTrial(db, studyId, number, { state: o.state, value: o.value, foldScores: o.intermediate ? [...o.intermediate] : undefined, durationMs: o.durationMs, error: o.error }),
    status: async (studyId) => {
      const [row] = await db.select({ state: studies.state, runId: studies.jobId }).from(studies).where(eq(studies.id, studyId));
      return row;
    },
    pruneSummary: (study, number, step) => pruneSummary(db, study, number, step),
  };
}

/**
 * The other trials' values a pruner reads, fetched on demand: the complete trials' facts and their
 * values at the step being decided in one aggregate query, other steps and rungs one query each.
 */
function pruneSummary(db: Db, study: { id: string; direction: "maximize" | "minimize" }, number: number, step: number): PruneSummary {
  let atStep: Promise<{ facts: CompleteFacts; values: TrialValue[] }> | undefined;
  const complete = and(eq(trials.studyId, study.id), eq(trials.state, "complete"));
  const read = () => (atStep ??= completeAtStep(db, complete, step));
  return {
    studyName: study.id,
    direction: study.direction,
    facts: async () => (await read()).facts,
    completeAt: async (s) => (s === step ? (await read()).values : valuesAt(db, sql`${trials.foldScores}`, s, complete)),
    rungAt: (rung) => valuesAt(db, sql`${trials.rungs}`, rung, and(eq(trials.studyId, study.id), ne(trials.number, number))),
  };
}

/**
 * How many trials match `complete` and the first one's last step (by finish time to the millisecond,
 * as `firstLastStep` reads a history), with their (number, value) at `step` by value: one query.
 */
async function completeAtStep(db: Db, complete: ReturnType<typeof and>, step: number): Promise<{ facts: CompleteFacts; values: TrialValue[] }> {
  const value = sql`(${trials.foldScores} ->> ${step}::int)::float8`;
  const [row] = await db
    .select({
      n: sql<number>`count(*)::int`,
      last: sql<number | null>`(array_agg(jsonb_array_length(${trials.foldScores}) ORDER BY date_trunc('milliseconds', ${trials.finishedAt}), ${trials.number}) FILTER (WHERE jsonb_array_length(${trials.foldScores}) > 0))[1] - 1`,
      values: sql<[number, number | null][] | null>`jsonb_agg(jsonb_build_array(${trials.number}, ${value}) ORDER BY ${value}) FILTER (WHERE jsonb_array_length(${trials.foldScores}) > ${step}::int)`,
    })
    .from(trials)
    .where(complete);
  return {
    facts: { nComplete: row?.n ?? 0, firstLastStep: row?.last ?? null },
    values: (row?.values ?? []).map(([n, v]) => ({ number: n, value: v ?? NaN })),
  };
}

/** (number, value) of the trials matching `where` whose JSON array `column` has an element `at`, by value. */
async function valuesAt(db: Db, column: ReturnType<typeof sql>, at: number, where: ReturnType<typeof and>): Promise<TrialValue[]> {
  const value = sql<number | null>`(${column} ->> ${at}::int)::float8`;
  const rows = await db
    .select({ number: trials.number, value })
    .from(trials)
    .where(and(where, sql`jsonb_array_length(${column}) > ${at}::int`))
    .orderBy(asc(value));
  return rows.map((r) => ({ number: r.number, value: r.value ?? NaN }));
}
