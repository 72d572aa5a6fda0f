import { sql } from "drizzle-orm";
import { bigint, customType, doublePrecision, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

/** One trained model: what it is, what it was trained on, how well it did, and where its artifact is. */
export const models = pgTable(
  "models",
  {
    id: text("id").primaryKey(),
    algorithm: text("algorithm").notNull(),
    task: text("task", { enum: ["classification", "regression"] }).notNull(),
    hyperparams: jsonb("hyperparams").$type<Record<string, unknown>>().notNull(),
    metrics: jsonb("metrics").$type<Record<string, number>>().notNull(),
    datasetPath: text("dataset_path").notNull(),
    datasetSha256: text("dataset_sha256").notNull(),
    target: text("target").notNull(),
    features: jsonb("features").$type<string[]>().notNull(),
    labels: jsonb("labels").$type<(string | number)[] | null>(),
    testSize: doublePrecision("test_size").notNull(),
    randomState: integer("random_state").notNull(),
    nTrain: integer("n_train").notNull(),
    nTest: integer("n_test").notNull(),
    artifactUri: text("artifact_uri").notNull(),
    artifactBytes: integer("artifact_bytes").notNull(),
    trainDurationMs: integer("train_duration_ms").notNull(),
    studyId: text("study_id"),
    trialNumber: integer("trial_number"),
    jobId: text("job_id"),
    evaluation: jsonb("evaluation").$type<Record<string, unknown>>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index("models_created_at_idx").on(t.createdAt.desc(), t.id.desc()), index("models_dataset_idx").on(t.datasetPath, t.target)],
);

/** Saved model bytes, for the default `postgres` artifact store: any worker or API process on any machine can load them. */
export const modelArtifacts = pgTable("model_artifacts", {
  modelId: text("model_id").primaryKey(),
  sha256: text("sha256").notNull(),
  size: bigint("size", { mode: "number" }).notNull(),
  data: bytea("data").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`now()`),
});

/**
 * A model's drift reference, computed at train time over its training split: one profile per
 * input column (and of its predictions on the test split), as ml-core's `ReferenceProfile`. Its
 * own table, so that listing models never reads the sampled raw values. Deleted with the model.
 */
export const modelReferences = pgTable("model_references", {
  modelId: text("model_id").primaryKey(),
  profile: jsonb("profile").$type<Record<string, unknown>>().notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`now()`),
});

export type ModelRow = typeof models.$inferSelect;
export type NewModelRow = typeof models.$inferInsert;
