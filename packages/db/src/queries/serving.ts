import type { Db } from "../client";
import { predictionLog, type NewPredictionLogRow } from "../schema";

/** Rows per INSERT statement (13 parameters a row stays far below Postgres's 65,535). */
const CHUNK = 500;

/** Appends rows to the prediction log, in statements of at most 500 rows. */
export async function insertPredictionLog(db: Db, rows: readonly NewPredictionLogRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await db.insert(predictionLog).values(rows.slice(i, i + CHUNK));
}
