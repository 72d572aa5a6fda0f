import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

// No foreign keys, as in studies.ts: drizzle-kit would write them schema-qualified. The queries
// in queries/registry.ts keep the references whole under a row lock on the registered model.

/**
 * A registered model: a name under which trained models are filed as numbered versions, with
 * aliases pointing at versions (after MLflow's model registry, without stages). Per-name state
 * added later (a traffic policy) keys on `name` as well.
 */
export const registeredModels = pgTable(
  "registered_models",
  {
    name: text("name").primaryKey(),
    description: text("description"),
    tags: jsonb("tags").$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    /** The last version number given out: versions count up from 1 and are never reused, even after a delete. */
    lastVersion: integer("last_version").notNull().default(0),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("registered_models_tags_idx").using("gin", t.tags)],
);

/**
 * One version of a registered model: a trained model and its lineage, copied from the model when
 * it is registered. `model_id`, `task` and the lineage never change; description and tags may.
 */
export const modelVersions = pgTable(
  "model_versions",
  {
    name: text("name").notNull(),
    version: integer("version").notNull(),
    modelId: text("model_id").notNull(),
    task: text("task", { enum: ["classification", "regression"] }).notNull(),
    description: text("description"),
    tags: jsonb("tags").$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    algorithm: text("algorithm").notNull(),
    datasetPath: text("dataset_path"),
    datasetId: text("dataset_id"),
    datasetSha256: text("dataset_sha256").notNull(),
    target: text("target").notNull(),
    studyId: text("study_id"),
    trialNumber: integer("trial_number"),
    jobId: text("job_id"),
    metrics: jsonb("metrics").$type<Record<string, number>>().notNull(),
    /** The name of the API key that registered it. */
    registeredBy: text("registered_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.name, t.version] }), index("model_versions_model_idx").on(t.modelId), index("model_versions_tags_idx").using("gin", t.tags)],
);

/** An alias (`champion`, `challenger`) of a registered model: points at one of its versions. */
export const modelAliases = pgTable(
  "model_aliases",
  {
    name: text("name").notNull(),
    alias: text("alias").notNull(),
    version: integer("version").notNull(),
    updatedBy: text("updated_by").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.name, t.alias] }), index("model_aliases_version_idx").on(t.name, t.version)],
);

/** Append-only record of alias moves: set (`from_version` null), moved, removed (`to_version` null). */
export const modelAliasHistory = pgTable(
  "model_alias_history",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    name: text("name").notNull(),
    alias: text("alias").notNull(),
    fromVersion: integer("from_version"),
    toVersion: integer("to_version"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    /** The name of the API key that moved it. */
    by: text("by").notNull(),
  },
  (t) => [index("model_alias_history_name_idx").on(t.name, t.id.desc())],
);

export type RegisteredModelRow = typeof registeredModels.$inferSelect;
export type ModelVersionRow = typeof modelVersions.$inferSelect;
export type ModelAliasRow = typeof modelAliases.$inferSelect;
export type AliasHistoryRow = typeof modelAliasHistory.$inferSelect;
