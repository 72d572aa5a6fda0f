import { isId, type IdPrefix } from "@mlw/jobs";
import type { PageCursor } from "@mlw/db";
import { HttpError } from "../errors";

/** The opaque `next_cursor` of a page newest first: its last row's creation time and id. */
function encodePageCursor(last: PageCursor): string {
  return Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString("base64url");
}

/** The cursor `encodePageCursor` gave for rows with ids of `prefix`; 400 INVALID_CURSOR for anything else. */
function decodePageCursor(cursor: string, prefix: IdPrefix): PageCursor {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(at ?? "");
  if (!id || !isId(prefix, id) || Number.isNaN(createdAt.getTime())) throw new HttpError(400, "INVALID_CURSOR", "`cursor` is not a cursor this API gave out.");
  return { createdAt, id };
}

/**
 * One page of rows newest first: fetches `limit + 1` rows after the cursor (`fetch(before, n)`) and
 * answers the first `limit` with the cursor of the next page (null on the last).
 */
export async function newestFirstPage<T extends PageCursor>(
  query: { limit: number; cursor?: string },
  prefix: IdPrefix,
  fetch: (before: PageCursor | undefined, limit: number) => Promise<T[]>,
): Promise<{ page: T[]; next_cursor: string | null }> {
  const rows = await fetch(query.cursor ? decodePageCursor(query.cursor, prefix) : undefined, query.limit + 1);
  const page = rows.slice(0, query.limit);
  return { page, next_cursor: rows.length > query.limit ? encodePageCursor(page[page.length - 1]!) : null };
}
