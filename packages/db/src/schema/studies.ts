import { sql } from "drizzle-orm";
import { boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/** A hyperparameter search: its request, search space, progress and best result. */
export const studies = pgTable(
  "studies",
  {
    id: text("id").primaryKey(),
    algorithm: text("algorithm").notNull(),
    task: text("task", { enum: ["classification", "regression"] }).notNull(),
    /** Exactly one of these two: a file under DATA_DIR, or an uploaded dataset. */
    datasetPath: text("dataset_path"),
    datasetId: text("dataset_id"),
    target: text("target").notNull(),
    metric: text("metric").notNull(),
    direction: text("direction", { enum: ["maximize", "minimize"] }).notNull(),
    searchSpace: jsonb("search_space").$type<Record<string, unknown>>().notNull(),
    nTrials: integer("n_trials").notNull(),
    timeoutSeconds: integer("timeout_seconds"),
    cvFolds: integer("cv_folds").notNull(),
    randomState: integer("random_state").notNull(),
    nParallel: integer("n_parallel").notNull(),
    /** The pruner's name (`none`, `median`, ...); null on studies made before samplers and pruners were chosen (none). */
    pruner: text("pruner"),
    prunerSettings: jsonb("pruner_settings").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    sampler: text("sampler").notNull().default("tpe"),
    samplerSettings: jsonb("sampler_settings").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    /** Parameters evaluated first, as trials 0..k-1. */
    initialTrials: jsonb("initial_trials").$type<Record<string, unknown>[]>().notNull().default(sql`'[]'::jsonb`),
    trainBest: boolean("train_best").notNull().default(false),
    /** `cancelled` by POST /studies/{id}/cancel; a plain text column, so adding a state needs no migration. */
    state: text("state", { enum: ["running", "complete", "failed", "cancelled"] }).notNull().default("running"),
    bestTrialNumber: integer("best_trial_number"),
    bestValue: doublePrecision("best_value"),
    bestParams: jsonb("best_params").$type<Record<string, unknown>>(),
    modelId: text("model_id"),
    jobId: text("job_id"),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`now()`),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("studies_dataset_id_idx").on(t.datasetId), index("studies_created_idx").on(t.createdAt, t.id)],
);

/** One trial of a study: its parameters, state, score per fold, and who ran it. */
export const trials = pgTable(
  "trials",
  {
    // No foreign key: drizzle-kit writes it schema-qualified ("public"."studies"), which would tie
    // the tables to one schema; trials are only ever written next to their study.
    studyId: text("study_id").notNull(),
    number: integer("number").notNull(),
    params: jsonb("params").$type<Record<string, unknown>>().notNull(),
    state: text("state", { enum: ["running", "complete", "pruned", "failed"] }).notNull(),
    value: doublePrecision("value"),
    /** The intermediate value at each step (a fold's score, or a budget step's), in step order. */
    foldScores: jsonb("fold_scores").$type<number[]>().notNull().default(sql`'[]'::jsonb`),
    /** The value recorded at each rung completed (SuccessiveHalving, Hyperband). */
    rungs: jsonb("rungs").$type<number[]>().notNull().default(sql`'[]'::jsonb`),
    durationMs: integer("duration_ms"),
    workerId: text("worker_id"),
    attempts: integer("attempts").notNull().default(1),
    error: text("error"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().default(sql`now()`),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.studyId, t.number] }), index("trials_study_state_idx").on(t.studyId, t.state)],
);

export type StudyRow = typeof studies.$inferSelect;
export type TrialRow = typeof trials.$inferSelect;
