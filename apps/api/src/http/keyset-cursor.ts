import { HttpError } from "../errors";

/** The position of a row in a newest-first list: its creation time and id. */
export interface KeysetPosition {
  readonly createdAt: Date;
  readonly id: string;
}

/** The opaque `next_cursor` after `row` in a list ordered by (created_at, id) descending. */
export function encodeCursor(row: KeysetPosition): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

/** The position `cursor` encodes; 400 `INVALID_CURSOR` unless it is one `encodeCursor` gave for an id `isId` accepts. */
export function decodeCursor(cursor: string, isId: (id: string) => boolean): KeysetPosition {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(at ?? "");
  if (!id || !isId(id) || Number.isNaN(createdAt.getTime())) throw new HttpError(400, "INVALID_CURSOR", "`cursor` is not a cursor this API gave out.");
  return { createdAt, id };
}

/** One page of `rows`, fetched with `limit + 1` to tell whether more follow, and the cursor of the next page (null on the last). */
export function pageOf<R extends KeysetPosition>(rows: readonly R[], limit: number): { page: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null };
}
