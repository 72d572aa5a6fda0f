import { sql } from "drizzle-orm";
import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** One route of a traffic policy: an alias and its weight (weights are normalised by their sum). */
export interface TrafficRoute {
  readonly alias: string;
  readonly weight: number;
}

/** A traffic policy's shadow: the alias that also predicts a sample of the requests, after the answer is sent. */
export interface TrafficShadow {
  readonly alias: string;
  /** Percent of requests, 0 to 100. */
  readonly sample_percent: number;
}

/**
 * The traffic policy of a registered model (keyed on its name, removed with it): a weighted split
 * of the requests that name no alias or version over aliases, optionally sticky on a row field,
 * and optionally a shadow alias.
 */
export const trafficPolicies = pgTable("traffic_policies", {
  name: text("name").primaryKey(),
  routes: jsonb("routes").$type<TrafficRoute[]>().notNull(),
  /** The row field whose value is hashed to choose a route (null: each request on its own). */
  stickyKey: text("sticky_key"),
  shadow: jsonb("shadow").$type<TrafficShadow | null>(),
  /** The name of the API key that set it. */
  updatedBy: text("updated_by").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The prediction log: one row per predicted input row of every served request (by model id or by
 * registered model name), written in batches. Each row has its own prediction id, so that inputs,
 * outputs and feedback can join it later; the rows of one request share `request_id`. Feedback
 * (`POST /predictions/feedback`) fills `actual` and `actual_at` in place.
 */
export const predictionLog = pgTable(
  "prediction_log",
  {
    /** The prediction id. */
    id: text("id").primaryKey(),
    requestId: text("request_id").notNull(),
    /** The row's index in its request. */
    rowIndex: integer("row_index").notNull(),
    modelId: text("model_id").notNull(),
    /** The registered model served (null for a prediction by model id). */
    registeredName: text("registered_name"),
    version: integer("version"),
    /** The alias that chose the version (null when the request named a version or a model id). */
    alias: text("alias"),
    /** The raw input row, exactly as the client sent it (drift reads it with predict's coercion). */
    input: jsonb("input").$type<Record<string, unknown>>(),
    /** The prediction returned. */
    result: jsonb("result").$type<unknown>(),
    /** The class probabilities returned with it, by class label (null when the model gives none). */
    probabilities: jsonb("probabilities").$type<Record<string, number> | null>(),
    shadowModelId: text("shadow_model_id"),
    shadowVersion: integer("shadow_version"),
    /** The shadow's prediction (recorded, never returned). */
    shadowResult: jsonb("shadow_result").$type<unknown>(),
    /** Why the shadow made no prediction, when it failed. */
    shadowError: text("shadow_error"),
    /** The request's time in the handler, from its start to its answer. */
    latencyMs: doublePrecision("latency_ms").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** The true outcome, from feedback (null until some arrives; later feedback replaces it). */
    actual: jsonb("actual").$type<unknown>(),
    /** When the feedback arrived. */
    actualAt: timestamp("actual_at", { withTimezone: true }),
  },
  (t) => [
    index("prediction_log_name_idx").on(t.registeredName, t.createdAt),
    index("prediction_log_model_idx").on(t.modelId, t.createdAt),
    index("prediction_log_request_idx").on(t.requestId),
    // Retention deletes by age.
    index("prediction_log_created_idx").on(t.createdAt),
    // Live performance reads a name's rows by feedback time; only rows with feedback are indexed.
    index("prediction_log_feedback_idx").on(t.registeredName, t.actualAt).where(sql`${t.actualAt} IS NOT NULL`),
  ],
);

/** One drift check of a registered model's version over a window, as the scheduled `drift` job stores it. */
export const driftReports = pgTable(
  "drift_reports",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    name: text("name").notNull(),
    version: integer("version").notNull(),
    /** The window checked, as a duration (`1h`, `24h`). */
    window: text("window").notNull(),
    /** The report (ml-core's `DriftReport`), or null when the window held too few rows. */
    report: jsonb("report").$type<Record<string, unknown> | null>(),
    datasetDrifted: boolean("dataset_drifted"),
    rows: integer("rows").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("drift_reports_name_idx").on(t.name, t.version, t.createdAt)],
);

export type DriftReportRow = typeof driftReports.$inferSelect;
export type TrafficPolicyRow = typeof trafficPolicies.$inferSelect;
export type PredictionLogRow = typeof predictionLog.$inferSelect;
export type NewPredictionLogRow = typeof predictionLog.$inferInsert;
