import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

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

export type TrafficPolicyRow = typeof trafficPolicies.$inferSelect;
