import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { bytea } from "./models";

/** One column of an uploaded dataset's profile (ml-core's CsvProfiler). */
export interface DatasetColumn {
  readonly name: string;
  readonly type: "numeric" | "categorical" | "boolean";
  readonly missing: number;
}

/**
 * An uploaded CSV dataset, content-addressed: one row per distinct sha256 of its bytes (an upload
 * of the same bytes answers the existing row). `location` says where the bytes are: chunk rows
 * of `dataset_chunks` (`postgres:dataset_chunks/<id>`) or a file of the `fs` store
 * (`file:///…/<sha256>.csv`).
 */
export const datasets = pgTable(
  "datasets",
  {
    id: text("id").primaryKey(),
    sha256: text("sha256").notNull().unique(),
    bytes: bigint("bytes", { mode: "number" }).notNull(),
    rows: integer("rows").notNull(),
    columns: jsonb("columns").$type<DatasetColumn[]>().notNull(),
    location: text("location").notNull(),
    /** The file name the client gave (multipart), if any. */
    filename: text("filename"),
    /** The name of the API key that uploaded it. */
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("datasets_created_at_idx").on(t.createdAt.desc(), t.id.desc())],
);

/**
 * The bytes of a dataset in the `postgres` store, in order, in chunks of about 1 MiB (bytea rows,
 * written in the upload's transaction: an aborted upload leaves none).
 */
export const datasetChunks = pgTable(
  "dataset_chunks",
  {
    datasetId: text("dataset_id").notNull(),
    seq: integer("seq").notNull(),
    data: bytea("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.seq] })],
);

export type DatasetRow = typeof datasets.$inferSelect;
export type NewDatasetRow = typeof datasets.$inferInsert;
