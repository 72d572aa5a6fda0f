import { z } from "zod";
import {
  createRegisteredModel, deleteAlias, deleteModelVersion, deleteRegisteredModel, getAlias, getModelVersion, getRegisteredModel, getTrafficPolicy, isRefusal,
  listAliasHistory, listModelVersions, listRegisteredModels, registerModelVersion, setAlias, updateModelVersion, updateRegisteredModel,
  type AliasHistoryRow, type ModelAliasRow, type ModelVersionRow, type RegisteredModel, type RegistryRefusal, type TagFilter,
} from "@mlw/db";
import { aliasName, registeredModelName } from "@mlw/jobs";
import { HttpError } from "../errors";
import type { AppContext } from "../http/context";
import { defineRoute, type Route } from "../http/route";
import { errorEnvelope } from "../http/schemas";
import { modelNotFound } from "./models";

const MAX_INT = 2 ** 31 - 1;
const MAX_TAGS = 50;

const description = z.string().max(5000, "the description must be at most 5000 characters").nullable();
const tagKey = z.string().min(1, "a tag key must not be empty").max(250, "a tag key must be at most 250 characters");
const tagValue = z.string().max(5000, "a tag value must be at most 5000 characters");
const tags = z
  .record(tagKey, tagValue)
  .refine((t) => Object.keys(t).length <= MAX_TAGS, `at most ${MAX_TAGS} tags`)
  .meta({ description: "String tags, e.g. `{\"validation_status\": \"passed\"}`." });
const tagPatch = z
  .record(tagKey, tagValue.nullable())
  .refine((t) => Object.keys(t).length <= MAX_TAGS, `at most ${MAX_TAGS} tags per change`)
  .meta({ description: "Tags to set; a tag whose value is null is removed; tags not named stay (JSON merge patch)." });
/** A version number in a path or query. */
export const versionNumber = z.coerce.number().int("the version must be an integer").min(1, "versions start at 1").max(MAX_INT, "no such version");

/** `{name}` in a registry path. */
export const nameParams = z.object({ name: z.string().min(1) });
const versionParams = nameParams.extend({ version: versionNumber });
const aliasParams = nameParams.extend({ alias: z.string().min(1) });
const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).optional(),
};
const tagQuery = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .meta({ description: "`key=value` (that value) or `key` (any value); repeat to require several." });

const createBody = z.strictObject({ name: registeredModelName, description: description.optional(), tags: tags.optional() });
const patchBody = z.strictObject({ description: description.optional(), tags: tagPatch.optional() });
const versionBody = z.strictObject({ model_id: z.string().min(1), description: description.optional(), tags: tags.optional() });
const aliasBody = z.strictObject({ version: z.number().int().min(1).max(MAX_INT) });

const registeredModelSchema = z
  .object({
    name: z.string(),
    description: z.string().nullable(),
    tags: z.record(z.string(), z.string()),
    task: z.enum(["classification", "regression"]).nullable().meta({ description: "The task every version shares (null without versions)." }),
    latest_version: z.number().int().nullable(),
    aliases: z.record(z.string(), z.number().int()).meta({ description: "Each alias and the version it points at." }),
    created_by: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "RegisteredModel" });
const versionSchema = z
  .object({
    name: z.string(),
    version: z.number().int(),
    model_id: z.string(),
    task: z.enum(["classification", "regression"]),
    algorithm: z.string(),
    description: z.string().nullable(),
    tags: z.record(z.string(), z.string()),
    aliases: z.array(z.string()),
    lineage: z
      .object({
        dataset_path: z.string().nullable(),
        dataset_id: z.string().nullable(),
        dataset_sha256: z.string(),
        target_column: z.string(),
        study_id: z.string().nullable(),
        trial_number: z.number().int().nullable(),
        job_id: z.string().nullable(),
        metrics: z.record(z.string(), z.number()),
        registered_by: z.string().meta({ description: "The name of the API key that registered the version." }),
      })
      .meta({ description: "Where the model came from; never changes." }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "ModelVersion" });
const aliasSchema = z
  .object({ name: z.string(), alias: z.string(), version: z.number().int(), model_id: z.string(), updated_by: z.string(), updated_at: z.string() })
  .meta({ id: "ModelAlias" });
const historySchema = z
  .object({
    alias: z.string(),
    from_version: z.number().int().nullable().meta({ description: "null: the alias was set for the first time." }),
    to_version: z.number().int().nullable().meta({ description: "null: the alias was removed." }),
    at: z.string(),
    by: z.string().meta({ description: "The name of the API key that moved it." }),
  })
  .meta({ id: "AliasMove" });

function registeredModelView(r: RegisteredModel) {
  return {
    name: r.name,
    description: r.description,
    tags: r.tags,
    task: r.task,
    latest_version: r.latestVersion,
    aliases: r.aliases,
    created_by: r.createdBy,
    created_at: new Date(r.createdAt).toISOString(),
    updated_at: new Date(r.updatedAt).toISOString(),
  };
}

function versionView(v: ModelVersionRow, aliases: readonly string[]) {
  return {
    name: v.name,
    version: v.version,
    model_id: v.modelId,
    task: v.task,
    algorithm: v.algorithm,
    description: v.description,
    tags: v.tags,
    aliases: [...aliases],
    lineage: {
      dataset_path: v.datasetPath,
      dataset_id: v.datasetId,
      dataset_sha256: v.datasetSha256,
      target_column: v.target,
      study_id: v.studyId,
      trial_number: v.trialNumber,
      job_id: v.jobId,
      metrics: v.metrics,
      registered_by: v.registeredBy,
    },
    created_at: v.createdAt.toISOString(),
    updated_at: v.updatedAt.toISOString(),
  };
}

function aliasView(a: ModelAliasRow, modelId: string) {
  return { name: a.name, alias: a.alias, version: a.version, model_id: modelId, updated_by: a.updatedBy, updated_at: a.updatedAt.toISOString() };
}

function historyView(h: AliasHistoryRow) {
  return { alias: h.alias, from_version: h.fromVersion, to_version: h.toVersion, at: h.at.toISOString(), by: h.by };
}

/** The aliases of `model` that point at `version`. */
function aliasesAt(model: RegisteredModel, version: number): string[] {
  return Object.entries(model.aliases)
    .filter(([, v]) => v === version)
    .map(([a]) => a)
    .sort();
}

/** `?tag=k=v&tag=k` as filters. */
function tagFilters(tag: string | string[] | undefined): TagFilter[] {
  return (tag === undefined ? [] : [tag].flat()).map((t) => {
    const eq = t.indexOf("=");
    return eq < 0 ? { key: t } : { key: t.slice(0, eq), value: t.slice(eq + 1) };
  });
}

const encodeCursor = (value: string | number): string => Buffer.from(String(value)).toString("base64url");

function decodeCursor<T>(cursor: string | undefined, parse: (s: string) => T | undefined): T | undefined {
  if (cursor === undefined) return undefined;
  const value = parse(Buffer.from(cursor, "base64url").toString());
  if (value === undefined) throw new HttpError(400, "INVALID_CURSOR", "`cursor` is not a cursor this API gave out.");
  return value;
}

const positiveInt = (s: string): number | undefined => (/^[1-9][0-9]{0,15}$/.test(s) ? Number(s) : undefined);

/** A page of `rows` fetched with `limit + 1`, and the cursor of the next page (null on the last one). */
function page<T>(rows: T[], limit: number, cursorOf: (last: T) => string | number): { items: T[]; next_cursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, next_cursor: rows.length > limit ? encodeCursor(cursorOf(items[items.length - 1]!)) : null };
}

/** 404 for a registered model name. */
export const nameNotFound = (name: string) => new HttpError(404, "REGISTERED_MODEL_NOT_FOUND", `No registered model named "${name}".`);
/** 404 for an alias the registered model does not have. */
export const aliasNotFound = (name: string, alias: string) => new HttpError(404, "ALIAS_NOT_FOUND", `Registered model "${name}" has no alias "${alias}".`);
/** 404 for a version the registered model does not have. */
export const versionNotFound = (name: string, version: number) => new HttpError(404, "VERSION_NOT_FOUND", `Registered model "${name}" has no version ${version}.`);

/** The HTTP error of a refused registry write. */
export function refusalError(r: RegistryRefusal, at: { name: string; version?: number; modelId?: string; alias?: string }): HttpError {
  switch (r.refused) {
    case "NAME_NOT_FOUND":
      return nameNotFound(at.name);
    case "VERSION_NOT_FOUND":
      return versionNotFound(at.name, at.version ?? 0);
    case "MODEL_NOT_FOUND":
      return modelNotFound(at.modelId ?? "");
    case "TASK_MISMATCH":
      return new HttpError(409, "TASK_MISMATCH", `Registered model "${at.name}" holds ${r.task} models, but model ${at.modelId} is a ${r.modelTask} model.`, { name: at.name, task: r.task, model_task: r.modelTask });
    case "ALIAS_NOT_FOUND":
      return new HttpError(400, "UNKNOWN_ALIAS", `Registered model "${at.name}" has no ${r.aliases.length === 1 ? "alias" : "aliases"} ${r.aliases.map((a) => `"${a}"`).join(", ")}; set ${r.aliases.length === 1 ? "it" : "them"} first.`, { aliases: r.aliases });
    case "ALIAS_IN_USE":
      return new HttpError(409, "ALIAS_IN_USE", `The traffic policy of "${at.name}" routes requests to the alias "${at.alias}"; change or delete the policy first.`, { alias: at.alias });
    case "VERSION_IN_USE":
      return new HttpError(
        409,
        "VERSION_IN_USE",
        `Version ${at.version} of "${at.name}" cannot be deleted while ${r.aliases.length === 1 ? "the alias" : "the aliases"} ${r.aliases.map((a) => `"${a}"`).join(", ")} point${r.aliases.length === 1 ? "s" : ""} at it; move or delete ${r.aliases.length === 1 ? "it" : "them"} first.`,
        { aliases: r.aliases },
      );
  }
}

/** A documented 404 response. */
export const notFound = (what: string) => ({ description: `Unknown ${what}.`, schema: errorEnvelope });

/**
 * The model registry: registered models (names), their numbered versions with lineage, aliases
 * pointing at versions, and the alias history. Writes need `trainer`, deletes `admin`, reads any key.
 */
export function registryRoutes(ctx: AppContext): Route[] {
  const db = ctx.database.db;

  const findRegistered = async (name: string): Promise<RegisteredModel> => {
    const row = await getRegisteredModel(db, name);
    if (!row) throw nameNotFound(name);
    return row;
  };
  /** Tells every API process that serves by name that `name` changed. */
  const changed = (name: string): Promise<void> => ctx.serving.registry.publish(name);

  return [
    defineRoute({
      method: "post",
      path: "/registered-models",
      tag: "registry",
      summary: "Register a model name",
      access: "trainer",
      body: createBody,
      responses: { 201: { description: "The registered model.", schema: registeredModelSchema }, 409: { description: "The name is taken.", schema: errorEnvelope } },
      async handler({ body, principal, req, res }) {
        const row = await createRegisteredModel(db, { name: body.name, description: body.description, tags: body.tags, createdBy: principal!.name });
        if (!row) throw new HttpError(409, "NAME_TAKEN", `A registered model named "${body.name}" already exists.`);
        req.log.info({ name: row.name, by: principal!.name }, "registered model created");
        res.status(201).json(registeredModelView(row));
      },
    }),
    defineRoute({
      method: "get",
      path: "/registered-models",
      tag: "registry",
      summary: "Registered models by name, searched by name prefix and tags",
      access: "read-models",
      query: z.object({ name_prefix: z.string().min(1).optional(), tag: tagQuery, ...pageQuery }),
      responses: { 200: { description: "A page of registered models.", schema: z.object({ registered_models: z.array(registeredModelSchema), next_cursor: z.string().nullable() }) } },
      async handler({ query: q, res }) {
        const after = decodeCursor(q.cursor, (s) => (registeredModelName.safeParse(s).success ? s : undefined));
        const rows = await listRegisteredModels(db, { namePrefix: q.name_prefix, tags: tagFilters(q.tag), limit: q.limit + 1, after });
        const { items, next_cursor } = page(rows, q.limit, (r) => r.name);
        res.json({ registered_models: items.map(registeredModelView), next_cursor });
      },
    }),
    defineRoute({
      method: "get",
      path: "/registered-models/{name}",
      tag: "registry",
      summary: "A registered model, its latest version and its aliases",
      description: "`has_traffic_policy` tells whether `GET .../traffic` has a policy to show.",
      access: "read-models",
      params: nameParams,
      responses: { 200: { description: "The registered model.", schema: registeredModelSchema.extend({ has_traffic_policy: z.boolean() }) }, 404: notFound("registered model") },
      async handler({ params, res }) {
        const row = await findRegistered(params.name);
        res.json({ ...registeredModelView(row), has_traffic_policy: (await getTrafficPolicy(db, row.name)) !== undefined });
      },
    }),
    defineRoute({
      method: "patch",
      path: "/registered-models/{name}",
      tag: "registry",
      summary: "Change a registered model's description or tags",
      access: "trainer",
      params: nameParams,
      body: patchBody,
      responses: { 200: { description: "The registered model.", schema: registeredModelSchema }, 404: notFound("registered model") },
      async handler({ params, body, res }) {
        const row = await updateRegisteredModel(db, params.name, { description: body.description, tags: body.tags });
        if (!row) throw nameNotFound(params.name);
        res.json(registeredModelView(row));
      },
    }),
    defineRoute({
      method: "delete",
      path: "/registered-models/{name}",
      tag: "registry",
      summary: "Delete a registered model with its versions, aliases and history",
      description: "The models its versions pointed at stay in the catalogue.",
      access: "admin",
      params: nameParams,
      responses: { 200: { description: "Deleted.", schema: z.object({ deleted: z.literal(true), name: z.string() }) }, 404: notFound("registered model") },
      async handler({ params, principal, req, res }) {
        if (!(await deleteRegisteredModel(db, params.name))) throw nameNotFound(params.name);
        await changed(params.name);
        req.log.info({ name: params.name, by: principal!.name }, "registered model deleted");
        res.json({ deleted: true, name: params.name });
      },
    }),
    defineRoute({
      method: "post",
      path: "/registered-models/{name}/versions",
      tag: "registry",
      summary: "File a trained model as the next version",
      description: "Versions count up from 1 and are never reused. The version keeps the model's lineage: dataset and its sha256, study and trial, job, metrics, and the key that registered it.",
      access: "trainer",
      params: nameParams,
      body: versionBody,
      responses: {
        201: { description: "The new version.", schema: versionSchema },
        404: notFound("registered model or model"),
        409: { description: "The model's task is not the task of the name's versions (TASK_MISMATCH).", schema: errorEnvelope },
      },
      async handler({ params, body, principal, req, res }) {
        const at = { name: params.name, modelId: body.model_id };
        const row = await registerModelVersion(db, { name: params.name, modelId: body.model_id, description: body.description, tags: body.tags, registeredBy: principal!.name });
        if (isRefusal(row)) throw refusalError(row, at);
        await changed(params.name);
        req.log.info({ name: row.name, version: row.version, modelId: row.modelId, by: principal!.name }, "model version registered");
        res.status(201).json(versionView(row, []));
      },
    }),
    defineRoute({
      method: "get",
      path: "/registered-models/{name}/versions",
      tag: "registry",
      summary: "The versions of a registered model, newest first",
      access: "read-models",
      params: nameParams,
      query: z.object({ tag: tagQuery, ...pageQuery }),
      responses: { 200: { description: "A page of versions.", schema: z.object({ versions: z.array(versionSchema), next_cursor: z.string().nullable() }) }, 404: notFound("registered model") },
      async handler({ params, query: q, res }) {
        const model = await findRegistered(params.name);
        const before = decodeCursor(q.cursor, positiveInt);
        const rows = await listModelVersions(db, params.name, { tags: tagFilters(q.tag), limit: q.limit + 1, before });
        const { items, next_cursor } = page(rows, q.limit, (v) => v.version);
        res.json({ versions: items.map((v) => versionView(v, aliasesAt(model, v.version))), next_cursor });
      },
    }),
    defineRoute({
      method: "get",
      path: "/registered-models/{name}/versions/{version}",
      tag: "registry",
      summary: "One version, its lineage and aliases",
      access: "read-models",
      params: versionParams,
      responses: { 200: { description: "The version.", schema: versionSchema }, 404: notFound("registered model or version") },
      async handler({ params, res }) {
        const model = await findRegistered(params.name);
        const row = await getModelVersion(db, params.name, params.version);
        if (!row) throw versionNotFound(params.name, params.version);
        res.json(versionView(row, aliasesAt(model, row.version)));
      },
    }),
    defineRoute({
      method: "patch",
      path: "/registered-models/{name}/versions/{version}",
      tag: "registry",
      summary: "Change a version's description or tags",
      description: "Its model and lineage never change.",
      access: "trainer",
      params: versionParams,
      body: patchBody,
      responses: { 200: { description: "The version.", schema: versionSchema }, 404: notFound("registered model or version") },
      async handler({ params, body, res }) {
        const model = await findRegistered(params.name);
        const row = await updateModelVersion(db, params.name, params.version, { description: body.description, tags: body.tags });
        if (!row) throw versionNotFound(params.name, params.version);
        res.json(versionView(row, aliasesAt(model, row.version)));
      },
    }),
    defineRoute({
      method: "delete",
      path: "/registered-models/{name}/versions/{version}",
      tag: "registry",
      summary: "Delete a version (its model stays)",
      access: "admin",
      params: versionParams,
      responses: {
        200: { description: "Deleted.", schema: z.object({ deleted: z.literal(true), name: z.string(), version: z.number().int(), model_id: z.string() }) },
        404: notFound("registered model or version"),
        409: { description: "An alias points at the version (VERSION_IN_USE).", schema: errorEnvelope },
      },
      async handler({ params, principal, req, res }) {
        const row = await deleteModelVersion(db, params.name, params.version);
        if (isRefusal(row)) throw refusalError(row, params);
        await changed(params.name);
        req.log.info({ name: row.name, version: row.version, by: principal!.name }, "model version deleted");
        res.json({ deleted: true, name: row.name, version: row.version, model_id: row.modelId });
      },
    }),
    defineRoute({
      method: "put",
      path: "/registered-models/{name}/aliases/{alias}",
      tag: "registry",
      summary: "Point an alias at a version (set or move it)",
      description: "Atomic: the alias and its history entry change together. Pointing an alias at the version it already has changes nothing.",
      access: "trainer",
      params: aliasParams.extend({ alias: aliasName }),
      body: aliasBody,
      responses: { 200: { description: "The alias.", schema: aliasSchema.extend({ previous_version: z.number().int().nullable() }) }, 404: notFound("registered model or version") },
      async handler({ params, body, principal, req, res }) {
        const moved = await setAlias(db, { name: params.name, alias: params.alias, version: body.version, by: principal!.name });
        if (isRefusal(moved)) throw refusalError(moved, { name: params.name, version: body.version });
        await changed(params.name);
        const version = await getModelVersion(db, params.name, moved.alias.version);
        req.log.info({ name: params.name, alias: params.alias, from: moved.from, to: body.version, by: principal!.name }, "alias set");
        res.json({ ...aliasView(moved.alias, version?.modelId ?? ""), previous_version: moved.from });
      },
    }),
    defineRoute({
      method: "get",
      path: "/registered-models/{name}/aliases/{alias}",
      tag: "registry",
      summary: "The version an alias points at",
      access: "read-models",
      params: aliasParams,
      responses: { 200: { description: "The alias.", schema: aliasSchema }, 404: notFound("registered model or alias") },
      async handler({ params, res }) {
        const alias = await getAlias(db, params.name, params.alias);
        if (!alias) {
          await findRegistered(params.name);
          throw aliasNotFound(params.name, params.alias);
        }
        const version = await getModelVersion(db, params.name, alias.version);
        res.json(aliasView(alias, version?.modelId ?? ""));
      },
    }),
    defineRoute({
      method: "delete",
      path: "/registered-models/{name}/aliases/{alias}",
      tag: "registry",
      summary: "Remove an alias (its version stays)",
      access: "admin",
      params: aliasParams,
      responses: {
        200: { description: "Removed.", schema: z.object({ deleted: z.literal(true), name: z.string(), alias: z.string(), version: z.number().int() }) },
        404: notFound("registered model or alias"),
        409: { description: "The traffic policy routes to the alias (ALIAS_IN_USE).", schema: errorEnvelope },
      },
      async handler({ params, principal, req, res }) {
        const removed = await deleteAlias(db, { name: params.name, alias: params.alias, by: principal!.name });
        if (isRefusal(removed)) throw refusalError(removed, params);
        if (!removed) throw aliasNotFound(params.name, params.alias);
        await changed(params.name);
        req.log.info({ name: params.name, alias: params.alias, version: removed.version, by: principal!.name }, "alias removed");
        res.json({ deleted: true, name: params.name, alias: params.alias, version: removed.version });
      },
    }),
    defineRoute({
      method: "get",
      path: "/registered-models/{name}/history",
      tag: "registry",
      summary: "Alias moves, newest first",
      access: "read-models",
      params: nameParams,
      query: z.object({ alias: z.string().min(1).optional(), ...pageQuery }),
      responses: { 200: { description: "A page of alias moves.", schema: z.object({ history: z.array(historySchema), next_cursor: z.string().nullable() }) }, 404: notFound("registered model") },
      async handler({ params, query: q, res }) {
        await findRegistered(params.name);
        const before = decodeCursor(q.cursor, positiveInt);
        const rows = await listAliasHistory(db, params.name, { alias: q.alias, limit: q.limit + 1, before });
        const { items, next_cursor } = page(rows, q.limit, (h) => h.id);
        res.json({ history: items.map(historyView), next_cursor });
      },
    }),
  ];
}
