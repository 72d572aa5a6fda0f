import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** What an API key may do: `admin` everything; `trainer` train, tune and read; `predictor` predict and read models; `reader` read. */
export const ROLES = ["admin", "trainer", "predictor", "reader"] as const;
export type Role = (typeof ROLES)[number];

/** An API key. Only its sha256 is stored: the key itself is shown once, when it is created. */
export const apiKeys = pgTable("api_keys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  role: text("role", { enum: ROLES }).notNull(),
  /** sha256 of the key, hex. */
  hash: text("hash").notNull().unique(),
  /** The key's first characters, to tell keys apart in a list. */
  prefix: text("prefix").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
});

export type ApiKeyRow = typeof apiKeys.$inferSelect;
