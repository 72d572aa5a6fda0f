import { and, count, eq, gte, isNotNull, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { models, predictionLog, type NewPredictionLogRow } from "../schema";

/** Rows per INSERT statement. */
const CHUNK = 500;

/**
 * Appends rows to the prediction log, in statements of at most 500 rows, each sent as one JSON
 * parameter that Postgres unpacks (`jsonb_to_recordset`): one string to build per batch instead
 * of 18 parameters a row, which kept the API's event loop busy while it served.
 */
export async function insertPredictionLog(db: Db, rows: readonly NewPredictionLogRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const batch = JSON.stringify(rows.slice(i, i + CHUNK).map(logRecord));
    await db.execute(sql`
      INSERT INTO ${predictionLog} (id, request_id, row_index, model_id, registered_name, version, alias, input, result, probabilities,
        shadow_model_id, shadow_version, shadow_result, shadow_error, latency_ms, created_at)
      SELECT id, request_id, row_index, model_id, registered_name, version, alias, input, result, probabilities,
        shadow_model_id, shadow_version, shadow_result, shadow_error, latency_ms, coalesce(created_at, now())
      FROM jsonb_to_recordset(${batch}::jsonb) AS r(id text, request_id text, row_index integer, model_id text, registered_name text,
        version integer, alias text, input jsonb, result jsonb, probabilities jsonb, shadow_model_id text, shadow_version integer,
        shadow_result jsonb, shadow_error text, latency_ms double precision, created_at timestamptz)`);
  }
}

/** A log row under its column names, as `insertPredictionLog` sends it. */
function logRecord(r: NewPredictionLogRow) {
  return {
    id: r.id,
    request_id: r.requestId,
    row_index: r.rowIndex,
    model_id: r.modelId,
    registered_name: r.registeredName ?? null,
    version: r.version ?? null,
    alias: r.alias ?? null,
    input: r.input ?? null,
    result: r.result ?? null,
    probabilities: r.probabilities ?? null,
    shadow_model_id: r.shadowModelId ?? null,
    shadow_version: r.shadowVersion ?? null,
    shadow_result: r.shadowResult ?? null,
    shadow_error: r.shadowError ?? null,
    latency_ms: r.latencyMs,
    created_at: r.createdAt?.toISOString() ?? null,
  };
}

/** The true outcome of one logged prediction. */
export interface Feedback {
  readonly predictionId: string;
  readonly actual: string | number | boolean;
}

/**
 * Records true outcomes on logged predictions, in one statement: `actual`, and `actual_at` now.
 * Feedback for a prediction that already has some replaces it; of two for one id in `feedback`,
 * the later wins. Answers the ids found in the log.
 */
export async function recordFeedback(db: Db, feedback: readonly Feedback[]): Promise<Set<string>> {
  const latest = [...new Map(feedback.map((f) => [f.predictionId, f.actual])).entries()].map(([id, actual]) => ({ id, actual }));
  if (!latest.length) return new Set();
  const result = await db.execute<{ id: string }>(sql`
    UPDATE ${predictionLog} SET actual = v.actual, actual_at = now()
    FROM jsonb_to_recordset(${JSON.stringify(latest)}::jsonb) AS v(id text, actual jsonb)
    WHERE ${predictionLog.id} = v.id
    RETURNING ${predictionLog.id}`);
  return new Set(result.rows.map((r) => r.id));
}

/** How often one (prediction, true outcome) pair occurs among a version's rows with feedback; both as text. */
export interface OutcomeCount {
  readonly version: number;
  readonly modelId: string;
  readonly task: "classification" | "regression";
  readonly predicted: string;
  readonly actual: string;
  readonly count: number;
}

/**
 * The predictions served through registered model `name` whose feedback arrived at `since` or
 * later, and their true outcomes, counted by version and (prediction, outcome) pair: a
 * classifier's pairs are its confusion matrix. JSON scalars are compared as text (`1` and `"1"`
 * are the same label).
 */
export async function feedbackOutcomes(db: Db, name: string, since: Date): Promise<OutcomeCount[]> {
  const predicted = sql<string>`${predictionLog.result} #>> '{}'`;
  const actual = sql<string>`${predictionLog.actual} #>> '{}'`;
  const rows = await db
    .select({ version: predictionLog.version, modelId: predictionLog.modelId, task: models.task, predicted, actual, count: count() })
    .from(predictionLog)
    .innerJoin(models, eq(models.id, predictionLog.modelId))
    .where(and(eq(predictionLog.registeredName, name), isNotNull(predictionLog.actualAt), gte(predictionLog.actualAt, since), isNotNull(predictionLog.version)))
    .groupBy(predictionLog.version, predictionLog.modelId, models.task, predicted, actual);
  return rows.map((r) => ({ ...r, version: r.version! }));
}

/** The predictions logged for one version of a registered model. */
export interface LoggedCount {
  readonly version: number;
  readonly modelId: string;
  readonly task: "classification" | "regression";
  readonly count: number;
  /** Requests (a request's rows share its latency: each counts once). */
  readonly requests: number;
  /** Median and 99th percentile of the requests' latency in the handler, in milliseconds. */
  readonly latencyP50Ms: number | null;
  readonly latencyP99Ms: number | null;
}

/** The predictions logged for each version of registered model `name` at `since` or later, and their requests' latency. */
export async function loggedPredictions(db: Db, name: string, since: Date): Promise<LoggedCount[]> {
  const firstRow = sql`${predictionLog.rowIndex} = 0`;
  const latency = (q: number) => sql<number | null>`percentile_cont(${q}) WITHIN GROUP (ORDER BY ${predictionLog.latencyMs}) FILTER (WHERE ${firstRow})`.mapWith((v) => (v === null ? null : Number(v)));
  const rows = await db
    .select({
      version: predictionLog.version,
      modelId: predictionLog.modelId,
      task: models.task,
      count: count(),
      requests: sql<number>`count(*) FILTER (WHERE ${firstRow})`.mapWith(Number),
      latencyP50Ms: latency(0.5),
      latencyP99Ms: latency(0.99),
    })
    .from(predictionLog)
    .innerJoin(models, eq(models.id, predictionLog.modelId))
    .where(and(eq(predictionLog.registeredName, name), gte(predictionLog.createdAt, since), isNotNull(predictionLog.version)))
    .groupBy(predictionLog.version, predictionLog.modelId, models.task);
  return rows.map((r) => ({ ...r, version: r.version! }));
}

/**
 * Deletes the prediction log's rows older than `before`, `batch` rows per statement (short
 * locks on a large table); answers how many it deleted.
 */
export async function deletePredictionsBefore(db: Db, before: Date, batch = 10_000): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await db.execute(sql`
      DELETE FROM ${predictionLog} WHERE ${predictionLog.id} IN (
        SELECT ${predictionLog.id} FROM ${predictionLog} WHERE ${lt(predictionLog.createdAt, before)} LIMIT ${batch})`);
    total += result.rowCount ?? 0;
    if ((result.rowCount ?? 0) < batch) return total;
  }
}
