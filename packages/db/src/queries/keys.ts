import { createHash, randomBytes } from "node:crypto";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { apiKeys, type ApiKeyRow, type Role } from "../schema";

/** The sha256 (hex) under which a key is stored and looked up. */
export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** A new key: `mlw_` and 43 characters of base64url (256 random bits). */
function newKey(): string {
  return `mlw_${randomBytes(32).toString("base64url")}`;
}

/** Creates a key; answers its row and the key itself, which is not stored and cannot be shown again. */
export async function createApiKey(db: Db, input: { name: string; role: Role }): Promise<{ row: ApiKeyRow; key: string }> {
  const key = newKey();
  const [row] = await db
    .insert(apiKeys)
    .values({ id: `key-${randomBytes(8).toString("hex")}`, name: input.name, role: input.role, hash: hashKey(key), prefix: key.slice(0, 8) })
    .returning();
  return { row: row!, key };
}

/** The key row stored under `hash`, revoked or not. */
export async function findApiKey(db: Db, hash: string): Promise<ApiKeyRow | undefined> {
  return db.query.apiKeys.findFirst({ where: eq(apiKeys.hash, hash) });
}

/** Every key, oldest first. */
export async function listApiKeys(db: Db): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
}

/** Revokes key `id` (kept for the record); answers the row, or undefined when unknown. */
export async function revokeApiKey(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(eq(apiKeys.id, id))
    .returning();
  return row;
}

/** Records that key `id` was used now. */
export async function touchApiKey(db: Db, id: string): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
}

/**
 * Creates an admin key named `name` if the table holds no key at all, under an advisory lock so
 * that API processes starting together make one. Answers the new key, or undefined.
 */
export async function createFirstAdminKey(db: Db, name: string): Promise<string | undefined> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('mlw-first-admin-key'))`);
    const [any] = await tx.select({ id: apiKeys.id }).from(apiKeys).limit(1);
    if (any) return undefined;
    return (await createApiKey(tx as unknown as Db, { name, role: "admin" })).key;
  });
}
