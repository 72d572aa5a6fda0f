import { and, asc, desc, eq, gt, lt, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Db } from "../client";
import {
  driftReports, modelAliases, modelAliasHistory, models, modelVersions, registeredModels, trafficPolicies,
  type AliasHistoryRow, type ModelAliasRow, type ModelVersionRow, type RegisteredModelRow, type TrafficPolicyRow, type TrafficRoute, type TrafficShadow,
} from "../schema";

/** Why a registry write was refused. The caller maps it to its own error (HTTP status, job failure). */
export type RegistryRefusal =
  | { readonly refused: "NAME_NOT_FOUND" }
  | { readonly refused: "VERSION_NOT_FOUND" }
  | { readonly refused: "MODEL_NOT_FOUND" }
  | { readonly refused: "TASK_MISMATCH"; readonly task: string; readonly modelTask: string }
  | { readonly refused: "VERSION_IN_USE"; readonly aliases: string[] }
  | { readonly refused: "ALIAS_NOT_FOUND"; readonly aliases: string[] }
  | { readonly refused: "ALIAS_IN_USE" };

/** Thrown inside a transaction to roll it back; caught at its edge and answered as the refusal. */
class Refused extends Error {
  constructor(readonly refusal: RegistryRefusal) {
    super(refusal.refused);
  }
}

async function refusable<T>(work: () => Promise<T>): Promise<T | RegistryRefusal> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof Refused) return e.refusal;
    throw e;
  }
}

/** True when `r` is a refusal rather than a result. */
export function isRefusal(r: unknown): r is RegistryRefusal {
  return typeof r === "object" && r !== null && "refused" in r;
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Locks the registered model `name` for the rest of the transaction: version numbering, version
 * deletes and alias moves of one name take their turn, so that no two versions get one number and
 * no alias can point at a version being deleted. Answers the last version number given out.
 */
async function lockName(tx: Tx, name: string): Promise<number> {
  const [row] = await tx.select({ lastVersion: registeredModels.lastVersion }).from(registeredModels).where(eq(registeredModels.name, name)).for("update");
  if (!row) throw new Refused({ refused: "NAME_NOT_FOUND" });
  return row.lastVersion;
}

/** A tag filter: `key` present, or `key` equal to `value`. */
export interface TagFilter {
  readonly key: string;
  readonly value?: string;
}

function tagConditions(column: AnyPgColumn, tags: readonly TagFilter[] = []): SQL[] {
  return tags.map((t) => (t.value === undefined ? sql`${column} ? ${t.key}` : sql`${column} @> ${JSON.stringify({ [t.key]: t.value })}::jsonb`));
}

/** A change to a tag map, after JSON merge patch (RFC 7396): a tag is set to its string, or removed by null. */
export type TagPatch = Readonly<Record<string, string | null>>;

function patchedTags(column: AnyPgColumn, patch: TagPatch): SQL {
  // Tag values are strings, so the only nulls after the merge are the removals.
  return sql`jsonb_strip_nulls(${column} || ${JSON.stringify(patch)}::jsonb)`;
}

/** A registered model with what its versions and aliases say of it. */
export interface RegisteredModel extends RegisteredModelRow {
  /** The task every version shares, or null without versions. */
  readonly task: "classification" | "regression" | null;
  /** The newest existing version, or null. */
  readonly latestVersion: number | null;
  readonly aliases: Record<string, number>;
}

// Drizzle writes a column of a single-table select without its table, so the subqueries name the
// outer row's column in full: `"registered_models"."name"`.
const outerName = sql`${registeredModels}.${sql.identifier(registeredModels.name.name)}`;

const registeredModelFields = {
  name: registeredModels.name,
  description: registeredModels.description,
  tags: registeredModels.tags,
  lastVersion: registeredModels.lastVersion,
  createdBy: registeredModels.createdBy,
  createdAt: registeredModels.createdAt,
  updatedAt: registeredModels.updatedAt,
  task: sql<"classification" | "regression" | null>`(SELECT v.task FROM ${modelVersions} v WHERE v.name = ${outerName} LIMIT 1)`,
  latestVersion: sql<number | null>`(SELECT max(v.version) FROM ${modelVersions} v WHERE v.name = ${outerName})`,
  aliases: sql<Record<string, number>>`(SELECT coalesce(jsonb_object_agg(a.alias, a.version), '{}'::jsonb) FROM ${modelAliases} a WHERE a.name = ${outerName})`,
} as const;

/** Creates registered model `name`; undefined when the name is taken. */
export async function createRegisteredModel(
  db: Db,
  input: { name: string; description?: string | null; tags?: Record<string, string>; createdBy: string },
): Promise<RegisteredModel | undefined> {
  const [row] = await db
    .insert(registeredModels)
    .values({ name: input.name, description: input.description ?? null, tags: input.tags ?? {}, createdBy: input.createdBy })
    .onConflictDoNothing()
    .returning();
  return row ? { ...row, task: null, latestVersion: null, aliases: {} } : undefined;
}

/** The registered model `name`, or undefined. */
export async function getRegisteredModel(db: Db, name: string): Promise<RegisteredModel | undefined> {
  const [row] = await db.select(registeredModelFields).from(registeredModels).where(eq(registeredModels.name, name));
  return row as RegisteredModel | undefined;
}

/** Filters and cursor of `listRegisteredModels`. */
export interface ListRegisteredModelsInput {
  readonly namePrefix?: string;
  readonly tags?: readonly TagFilter[];
  readonly limit: number;
  /** The last name of the previous page. */
  readonly after?: string;
}

/** Registered models by name, filtered by name prefix and tags, one page at a time (keyset on name). */
export async function listRegisteredModels(db: Db, input: ListRegisteredModelsInput): Promise<RegisteredModel[]> {
  const where = and(
    input.namePrefix ? sql`${registeredModels.name} LIKE ${input.namePrefix.replace(/[\\%_]/g, "\\$&") + "%"}` : undefined,
    ...tagConditions(registeredModels.tags, input.tags),
    input.after !== undefined ? gt(registeredModels.name, input.after) : undefined,
  );
  const rows = await db.select(registeredModelFields).from(registeredModels).where(where).orderBy(asc(registeredModels.name)).limit(input.limit);
  return rows as RegisteredModel[];
}

/** Changes a registered model's description (null clears it) and tags; undefined when unknown. */
export async function updateRegisteredModel(db: Db, name: string, change: { description?: string | null; tags?: TagPatch }): Promise<RegisteredModel | undefined> {
  const updated = await db
    .update(registeredModels)
    .set({
      updatedAt: sql`now()`,
      ...(change.description !== undefined ? { description: change.description } : {}),
      ...(change.tags ? { tags: patchedTags(registeredModels.tags, change.tags) } : {}),
    })
    .where(eq(registeredModels.name, name))
    .returning({ name: registeredModels.name });
  return updated.length ? getRegisteredModel(db, name) : undefined;
}

/**
 * Deletes registered model `name` with its versions, aliases, alias history, traffic policy and drift reports
 * (the models the versions pointed at stay). False when unknown.
 */
export async function deleteRegisteredModel(db: Db, name: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [locked] = await tx.select({ name: registeredModels.name }).from(registeredModels).where(eq(registeredModels.name, name)).for("update");
    if (!locked) return false;
    await tx.delete(trafficPolicies).where(eq(trafficPolicies.name, name));
    await tx.delete(driftReports).where(eq(driftReports.name, name));
    await tx.delete(modelAliasHistory).where(eq(modelAliasHistory.name, name));
    await tx.delete(modelAliases).where(eq(modelAliases.name, name));
    await tx.delete(modelVersions).where(eq(modelVersions.name, name));
    await tx.delete(registeredModels).where(eq(registeredModels.name, name));
    return true;
  });
}

/** What `registerModelVersion` needs. */
export interface RegisterVersionInput {
  readonly name: string;
  readonly modelId: string;
  readonly description?: string | null;
  readonly tags?: Record<string, string>;
  /** The name of the API key registering it. */
  readonly registeredBy: string;
  /** Create the registered model when missing (default false: NAME_NOT_FOUND). */
  readonly createName?: boolean;
  /** Answer the existing version of this model under this name instead of adding one (a retried job). */
  readonly reuseExisting?: boolean;
}

/**
 * Files model `modelId` as the next version of `name`, copying its lineage. Concurrency-safe:
 * under a row lock on the registered model, the next number is its counter plus one, so
 * registrations of one name are numbered 1, 2, 3, … in commit order without gaps or repeats.
 * The model's row is share-locked, so that `deleteModel` cannot remove it meanwhile.
 * Refuses an unknown name or model, and a model of another task than the name's versions.
 */
export async function registerModelVersion(db: Db, input: RegisterVersionInput): Promise<ModelVersionRow | RegistryRefusal> {
  return refusable(() =>
    db.transaction(async (tx) => {
      if (input.createName) await tx.insert(registeredModels).values({ name: input.name, createdBy: input.registeredBy }).onConflictDoNothing();
      const last = await lockName(tx, input.name);
      const [model] = await tx.select().from(models).where(eq(models.id, input.modelId)).for("key share");
      if (!model) throw new Refused({ refused: "MODEL_NOT_FOUND" });
      const [sibling] = await tx.select({ task: modelVersions.task }).from(modelVersions).where(eq(modelVersions.name, input.name)).limit(1);
      if (sibling && sibling.task !== model.task) throw new Refused({ refused: "TASK_MISMATCH", task: sibling.task, modelTask: model.task });
      if (input.reuseExisting) {
        const [existing] = await tx.select().from(modelVersions).where(and(eq(modelVersions.name, input.name), eq(modelVersions.modelId, input.modelId))).limit(1);
        if (existing) return existing;
      }
      const version = last + 1;
      await tx.update(registeredModels).set({ lastVersion: version, updatedAt: sql`now()` }).where(eq(registeredModels.name, input.name));
      const [row] = await tx
        .insert(modelVersions)
        .values({
          name: input.name,
          version,
          modelId: model.id,
          task: model.task,
          description: input.description ?? null,
          tags: input.tags ?? {},
          algorithm: model.algorithm,
          datasetPath: model.datasetPath,
          datasetSha256: model.datasetSha256,
          target: model.target,
          studyId: model.studyId,
          trialNumber: model.trialNumber,
          jobId: model.jobId,
          metrics: model.metrics,
          registeredBy: input.registeredBy,
        })
        .returning();
      return row!;
    }),
  );
}

/** Filters and cursor of `listModelVersions`. */
export interface ListVersionsInput {
  readonly tags?: readonly TagFilter[];
  readonly limit: number;
  /** The last version of the previous page. */
  readonly before?: number;
}

/** The versions of `name`, newest first, one page at a time. */
export async function listModelVersions(db: Db, name: string, input: ListVersionsInput): Promise<ModelVersionRow[]> {
  const where = and(eq(modelVersions.name, name), ...tagConditions(modelVersions.tags, input.tags), input.before !== undefined ? lt(modelVersions.version, input.before) : undefined);
  return db.select().from(modelVersions).where(where).orderBy(desc(modelVersions.version)).limit(input.limit);
}

/** Version `version` of `name`, or undefined. */
export async function getModelVersion(db: Db, name: string, version: number): Promise<ModelVersionRow | undefined> {
  const [row] = await db.select().from(modelVersions).where(and(eq(modelVersions.name, name), eq(modelVersions.version, version)));
  return row;
}

/** Changes a version's description (null clears it) and tags (its model and lineage never change); undefined when unknown. */
export async function updateModelVersion(db: Db, name: string, version: number, change: { description?: string | null; tags?: TagPatch }): Promise<ModelVersionRow | undefined> {
  const [row] = await db
    .update(modelVersions)
    .set({
      updatedAt: sql`now()`,
      ...(change.description !== undefined ? { description: change.description } : {}),
      ...(change.tags ? { tags: patchedTags(modelVersions.tags, change.tags) } : {}),
    })
    .where(and(eq(modelVersions.name, name), eq(modelVersions.version, version)))
    .returning();
  return row;
}

/** Deletes a version; refused while an alias points at it (under the name's lock, so no alias can move onto it meanwhile). */
export async function deleteModelVersion(db: Db, name: string, version: number): Promise<ModelVersionRow | RegistryRefusal> {
  return refusable(() =>
    db.transaction(async (tx) => {
      await lockName(tx, name);
      const aliases = await aliasesOfVersion(tx, name, version);
      if (aliases.length) throw new Refused({ refused: "VERSION_IN_USE", aliases });
      const [row] = await tx.delete(modelVersions).where(and(eq(modelVersions.name, name), eq(modelVersions.version, version))).returning();
      if (!row) throw new Refused({ refused: "VERSION_NOT_FOUND" });
      return row;
    }),
  );
}

/** The aliases of `name` that point at `version`, by alias. */
export async function aliasesOfVersion(db: Db | Tx, name: string, version: number): Promise<string[]> {
  const rows = await db.select({ alias: modelAliases.alias }).from(modelAliases).where(and(eq(modelAliases.name, name), eq(modelAliases.version, version))).orderBy(asc(modelAliases.alias));
  return rows.map((r) => r.alias);
}

/** Every alias of `name`, by alias. */
export async function listAliases(db: Db, name: string): Promise<ModelAliasRow[]> {
  return db.select().from(modelAliases).where(eq(modelAliases.name, name)).orderBy(asc(modelAliases.alias));
}

/** Alias `alias` of `name`, or undefined. */
export async function getAlias(db: Db, name: string, alias: string): Promise<ModelAliasRow | undefined> {
  const [row] = await db.select().from(modelAliases).where(and(eq(modelAliases.name, name), eq(modelAliases.alias, alias)));
  return row;
}

/**
 * Points `alias` of `name` at `version`, and records the move in the alias history, in one
 * transaction under the name's lock. Setting an alias to the version it already has changes
 * nothing and records nothing. Answers the alias and the version it pointed at before (null).
 */
export async function setAlias(db: Db, input: { name: string; alias: string; version: number; by: string }): Promise<{ alias: ModelAliasRow; from: number | null } | RegistryRefusal> {
  return refusable(() =>
    db.transaction(async (tx) => {
      await lockName(tx, input.name);
      const [target] = await tx.select({ version: modelVersions.version }).from(modelVersions).where(and(eq(modelVersions.name, input.name), eq(modelVersions.version, input.version)));
      if (!target) throw new Refused({ refused: "VERSION_NOT_FOUND" });
      const [current] = await tx.select().from(modelAliases).where(and(eq(modelAliases.name, input.name), eq(modelAliases.alias, input.alias)));
      if (current?.version === input.version) return { alias: current, from: current.version };
      const [alias] = await tx
        .insert(modelAliases)
        .values({ name: input.name, alias: input.alias, version: input.version, updatedBy: input.by })
        .onConflictDoUpdate({ target: [modelAliases.name, modelAliases.alias], set: { version: input.version, updatedBy: input.by, updatedAt: sql`now()` } })
        .returning();
      await tx.insert(modelAliasHistory).values({ name: input.name, alias: input.alias, fromVersion: current?.version ?? null, toVersion: input.version, by: input.by });
      return { alias: alias!, from: current?.version ?? null };
    }),
  );
}

/**
 * Removes `alias` of `name` and records it (`to_version` null). Answers the removed alias, or
 * undefined when there was none. Refused while the name's traffic policy routes to it (a shadow
 * alias may go: the shadow then records its failure).
 */
export async function deleteAlias(db: Db, input: { name: string; alias: string; by: string }): Promise<ModelAliasRow | undefined | RegistryRefusal> {
  return refusable(() =>
    db.transaction(async (tx) => {
      await lockName(tx, input.name);
      const [policy] = await tx.select({ routes: trafficPolicies.routes }).from(trafficPolicies).where(eq(trafficPolicies.name, input.name));
      if (policy?.routes.some((r) => r.alias === input.alias)) throw new Refused({ refused: "ALIAS_IN_USE" });
      const [removed] = await tx.delete(modelAliases).where(and(eq(modelAliases.name, input.name), eq(modelAliases.alias, input.alias))).returning();
      if (removed) await tx.insert(modelAliasHistory).values({ name: input.name, alias: input.alias, fromVersion: removed.version, toVersion: null, by: input.by });
      return removed;
    }),
  );
}

/** The alias history of `name`, newest first, optionally of one alias, one page at a time (keyset on id). */
export async function listAliasHistory(db: Db, name: string, input: { alias?: string; limit: number; before?: number }): Promise<AliasHistoryRow[]> {
  const where = and(
    eq(modelAliasHistory.name, name),
    input.alias !== undefined ? eq(modelAliasHistory.alias, input.alias) : undefined,
    input.before !== undefined ? lt(modelAliasHistory.id, input.before) : undefined,
  );
  return db.select().from(modelAliasHistory).where(where).orderBy(desc(modelAliasHistory.id)).limit(input.limit);
}

/** The versions that point at model `modelId` (a model in use cannot be deleted). */
export async function versionsOfModel(db: Db | Tx, modelId: string): Promise<{ name: string; version: number }[]> {
  return db
    .select({ name: modelVersions.name, version: modelVersions.version })
    .from(modelVersions)
    .where(eq(modelVersions.modelId, modelId))
    .orderBy(asc(modelVersions.name), asc(modelVersions.version));
}

/** The traffic policy of `name`, or undefined. */
export async function getTrafficPolicy(db: Db, name: string): Promise<TrafficPolicyRow | undefined> {
  const [row] = await db.select().from(trafficPolicies).where(eq(trafficPolicies.name, name));
  return row;
}

/**
 * Sets the traffic policy of `name` (replacing any), under the name's lock: refused when the name
 * is unknown, or when an alias of its routes or shadow does not exist.
 */
export async function putTrafficPolicy(
  db: Db,
  input: { name: string; routes: TrafficRoute[]; stickyKey: string | null; shadow: TrafficShadow | null; by: string },
): Promise<TrafficPolicyRow | RegistryRefusal> {
  return refusable(() =>
    db.transaction(async (tx) => {
      await lockName(tx, input.name);
      const existing = new Set((await tx.select({ alias: modelAliases.alias }).from(modelAliases).where(eq(modelAliases.name, input.name))).map((a) => a.alias));
      const named = [...input.routes.map((r) => r.alias), ...(input.shadow ? [input.shadow.alias] : [])];
      const missing = [...new Set(named.filter((a) => !existing.has(a)))];
      if (missing.length) throw new Refused({ refused: "ALIAS_NOT_FOUND", aliases: missing });
      const values = { routes: input.routes, stickyKey: input.stickyKey, shadow: input.shadow, updatedBy: input.by, updatedAt: sql`now()` };
      const [row] = await tx
        .insert(trafficPolicies)
        .values({ name: input.name, ...values })
        .onConflictDoUpdate({ target: trafficPolicies.name, set: values })
        .returning();
      return row!;
    }),
  );
}

/** Removes the traffic policy of `name`; answers whether there was one. */
export async function deleteTrafficPolicy(db: Db, name: string): Promise<boolean> {
  const removed = await db.delete(trafficPolicies).where(eq(trafficPolicies.name, name)).returning({ name: trafficPolicies.name });
  return removed.length > 0;
}
