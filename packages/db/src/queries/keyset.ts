import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Db } from "../client";

/** Where a page of rows newest first ended: its last row's creation time and id. */
export interface PageCursor {
  createdAt: Date;
  id: string;
}

/** A page request: at most `limit` rows after `before`. */
export interface PageInput {
  limit: number;
  /** Opaque cursor from a previous page: created_at and id of its last row. */
  before?: PageCursor;
}

/** Rows after `cursor` in the order (created_at desc, id desc); no condition without a cursor. */
export function olderThan(createdAt: PgColumn, id: PgColumn, cursor: PageCursor | undefined): SQL | undefined {
  return cursor ? or(lt(createdAt, cursor.createdAt), and(eq(createdAt, cursor.createdAt), lt(id, cursor.id))) : undefined;
}

/** A page of `table`'s rows matching every filter, newest first (keyset pagination on created_at, id). */
export function newestFirst<T extends PgTable & { createdAt: PgColumn; id: PgColumn }>(db: Db, table: T, filters: (SQL | undefined)[], page: PageInput): Promise<T["$inferSelect"][]> {
  return db
    .select()
    .from(table as PgTable)
    .where(and(...filters, olderThan(table.createdAt, table.id, page.before)))
    .orderBy(desc(table.createdAt), desc(table.id))
    .limit(page.limit) as Promise<T["$inferSelect"][]>;
}
