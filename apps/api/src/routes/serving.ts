import { randomUUID } from "node:crypto";
import { z } from "zod";
import { deleteTrafficPolicy, isRefusal, putTrafficPolicy, type TrafficPolicyRow } from "@mlw/db";
import { aliasName } from "@mlw/jobs";
import { HttpError } from "../errors";
import type { AppContext } from "../http/context";
import { defineRoute, type Route } from "../http/route";
import { errorEnvelope, predictBody, predictionSchema } from "../http/schemas";
import { predictRows } from "../serving/predict";
import type { ServedVersion } from "../serving/registry-cache";
import { pickRoute, routingPoint } from "../serving/routing";
import { aliasNotFound, nameNotFound, nameParams, notFound, refusalError, versionNotFound } from "./registry";

const MAX_INT = 2 ** 31 - 1;
const MAX_ROUTES = 20;

/** The alias served when a request names neither an alias nor a version, and no traffic policy applies. */
export const DEFAULT_ALIAS = "champion";

const predictQuery = z
  .object({
    alias: z.string().min(1).optional().meta({ description: "Serve the version this alias points at." }),
    version: z.coerce.number().int("the version must be an integer").min(1, "versions start at 1").max(MAX_INT, "no such version").optional().meta({ description: "Serve this version." }),
  })
  .refine((q) => q.alias === undefined || q.version === undefined, { message: "give `alias` or `version`, not both", path: ["alias"] });

const trafficBody = z.strictObject({
  routes: z
    .array(z.strictObject({ alias: aliasName, weight: z.number().min(0, "a weight must not be negative").max(1e9, "a weight must be at most 1e9") }))
    .min(1, "give at least one route")
    .max(MAX_ROUTES, `at most ${MAX_ROUTES} routes`)
    .refine((rs) => rs.some((r) => r.weight > 0), "the weights must not all be zero")
    .refine((rs) => new Set(rs.map((r) => r.alias)).size === rs.length, "each alias may appear in one route only")
    .meta({ description: "A weighted split over aliases; weights are normalised by their sum." }),
  sticky_key: z
    .string()
    .min(1)
    .max(250)
    .nullable()
    .optional()
    .meta({ description: "A row field: its value in the first row is hashed, so the same entity meets the same version while the weights stand. An `X-Routing-Key` header is hashed instead when sent." }),
  shadow: z
    .object({ alias: aliasName, sample_percent: z.number().min(0, "sample_percent must be at least 0").max(100, "sample_percent must be at most 100") })
    .nullable()
    .optional()
    .meta({ description: "This alias also predicts this percent of the requests, after the answer is sent; its result is recorded, never returned." }),
});
const trafficSchema = z
  .object({
    name: z.string(),
    routes: z.array(z.object({ alias: z.string(), weight: z.number(), share: z.number().meta({ description: "The weight over the sum of the weights." }) })),
    sticky_key: z.string().nullable(),
    shadow: z.object({ alias: z.string(), sample_percent: z.number() }).nullable(),
    updated_by: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "TrafficPolicy" });

function trafficView(p: TrafficPolicyRow) {
  const total = p.routes.reduce((sum, r) => sum + r.weight, 0);
  return {
    name: p.name,
    routes: p.routes.map((r) => ({ alias: r.alias, weight: r.weight, share: r.weight / total })),
    sticky_key: p.stickyKey,
    shadow: p.shadow ?? null,
    updated_by: p.updatedBy,
    updated_at: p.updatedAt.toISOString(),
  };
}

/** The string hashed for a row field's value (undefined when the row has none). */
function stickyValue(row: Record<string, unknown> | undefined, field: string | null): string | undefined {
  const value = field === null ? undefined : row?.[field];
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}

const policyNotFound = (name: string) => new HttpError(404, "TRAFFIC_POLICY_NOT_FOUND", `Registered model "${name}" has no traffic policy.`);

/** Serving by registered model name, and its traffic policy. */
export function servingRoutes(ctx: AppContext): Route[] {
  const db = ctx.database.db;

  /** The version `alias` of `name` points at, or `version`, with its model; 404 naming what is missing. */
  const versionOf = async (name: string, aliases: Readonly<Record<string, number>>, choice: { alias: string } | { version: number }): Promise<ServedVersion> => {
    const version = "version" in choice ? choice.version : aliases[choice.alias];
    if (version === undefined) throw aliasNotFound(name, (choice as { alias: string }).alias);
    const served = await ctx.serving.registry.version(name, version);
    if (!served) throw versionNotFound(name, version);
    return served;
  };

  return [
    defineRoute({
      method: "post",
      path: "/registered-models/{name}/predict",
      tag: "serving",
      summary: "Predict raw rows with a registered model's version",
      description:
        "The body and answer of `POST /model/{id}/predict`, plus `model_version` (also in the `X-Model-Version` header). Serves the version `?version=` names, or the one `?alias=` points at; without either, the name's traffic policy chooses (by a hash of the `X-Routing-Key` header when sent), and without one the alias `champion`. All rows of a request go to one version.",
      access: "predict",
      params: nameParams,
      query: predictQuery,
      body: predictBody,
      responses: {
        200: { description: "One prediction per row, and the version that made them.", schema: predictionSchema.extend({ model_version: z.number().int() }).meta({ id: "VersionPredictions" }), headers: { "X-Model-Version": "The version that made the predictions." } },
        404: { description: "Unknown registered model (REGISTERED_MODEL_NOT_FOUND), alias (ALIAS_NOT_FOUND) or version (VERSION_NOT_FOUND).", schema: errorEnvelope },
        422: { description: "A row's value cannot be used.", schema: errorEnvelope },
      },
      async handler({ params, query, body, req, res }) {
        const started = performance.now();
        const name = params.name;
        const registered = await ctx.serving.registry.name(name);
        if (!registered) throw nameNotFound(name);
        const requestId = randomUUID();
        const policy = registered.policy;
        let choice: { alias: string } | { version: number };
        let shadowAlias: string | undefined;
        if (query.version !== undefined) choice = { version: query.version };
        else if (query.alias !== undefined) choice = { alias: query.alias };
        else if (policy) {
          const key = req.get("x-routing-key") ?? stickyValue(body.rows[0], policy.stickyKey) ?? requestId;
          choice = { alias: pickRoute(policy.routes, routingPoint(name, key)).alias };
          if (policy.shadow && routingPoint(`${name}\0shadow`, requestId) * 100 < policy.shadow.sample_percent) shadowAlias = policy.shadow.alias;
        } else choice = { alias: DEFAULT_ALIAS };

        const served = await versionOf(name, registered.aliases, choice);
        const model = await ctx.serving.models.get(served.model.id, served.model.artifactUri, served.model.artifactBytes);
        const answer = predictRows(model, body.rows);
        const ids = ctx.serving.predictions.ids(body.rows.length);
        res.set("X-Model-Version", String(served.version)).json({ ...answer, prediction_ids: ids, model_version: served.version });
        const record = {
          requestId,
          ids,
          rows: body.rows,
          modelId: served.model.id,
          name,
          version: served.version,
          alias: "alias" in choice ? choice.alias : undefined,
          ...answer,
          latencyMs: performance.now() - started,
        };
        if (shadowAlias === undefined) return void ctx.serving.predictions.record(record);

        const alias = shadowAlias;
        ctx.serving.afterResponse(async () => {
          try {
            const shadow = await versionOf(name, registered.aliases, { alias });
            const shadowModel = await ctx.serving.models.get(shadow.model.id, shadow.model.artifactUri, shadow.model.artifactBytes);
            const result = predictRows(shadowModel, body.rows);
            ctx.serving.predictions.record({ ...record, shadow: { modelId: shadow.model.id, version: shadow.version, predictions: result.predictions } });
          } catch (e) {
            ctx.serving.predictions.record({ ...record, shadow: { error: (e as Error).message } });
          }
        });
      },
    }),
    defineRoute({
      method: "put",
      path: "/registered-models/{name}/traffic",
      tag: "serving",
      summary: "Set a registered model's traffic policy",
      description:
        "A weighted split over aliases for the predictions that name no `?alias` or `?version`, optionally sticky on a row field (or the `X-Routing-Key` header), optionally with a shadow alias. Reaches every API process within a second.",
      access: "trainer",
      params: nameParams,
      body: trafficBody,
      responses: {
        200: { description: "The policy.", schema: trafficSchema },
        400: { description: "A negative weight, weights all zero, or an alias that does not exist (UNKNOWN_ALIAS).", schema: errorEnvelope },
        404: notFound("registered model"),
      },
      async handler({ params, body, principal, req, res }) {
        const row = await putTrafficPolicy(db, { name: params.name, routes: body.routes, stickyKey: body.sticky_key ?? null, shadow: body.shadow ?? null, by: principal!.name });
        if (isRefusal(row)) throw refusalError(row, { name: params.name });
        await ctx.serving.registry.publish(params.name);
        req.log.info({ name: params.name, routes: body.routes, by: principal!.name }, "traffic policy set");
        res.json(trafficView(row));
      },
    }),
    defineRoute({
      method: "get",
      path: "/registered-models/{name}/traffic",
      tag: "serving",
      summary: "A registered model's traffic policy",
      access: "read-models",
      params: nameParams,
      responses: { 200: { description: "The policy.", schema: trafficSchema }, 404: notFound("registered model (REGISTERED_MODEL_NOT_FOUND), or no policy (TRAFFIC_POLICY_NOT_FOUND)") },
      async handler({ params, res }) {
        const registered = await ctx.serving.registry.name(params.name);
        if (!registered) throw nameNotFound(params.name);
        if (!registered.policy) throw policyNotFound(params.name);
        res.json(trafficView(registered.policy));
      },
    }),
    defineRoute({
      method: "delete",
      path: "/registered-models/{name}/traffic",
      tag: "serving",
      summary: "Remove a registered model's traffic policy (predict serves `champion` again)",
      access: "admin",
      params: nameParams,
      responses: {
        200: { description: "Removed.", schema: z.object({ deleted: z.literal(true), name: z.string() }) },
        404: notFound("registered model (REGISTERED_MODEL_NOT_FOUND), or no policy (TRAFFIC_POLICY_NOT_FOUND)"),
      },
      async handler({ params, principal, req, res }) {
        if (!(await deleteTrafficPolicy(db, params.name))) {
          if (!(await ctx.serving.registry.name(params.name))) throw nameNotFound(params.name);
          throw policyNotFound(params.name);
        }
        await ctx.serving.registry.publish(params.name);
        req.log.info({ name: params.name, by: principal!.name }, "traffic policy removed");
        res.json({ deleted: true, name: params.name });
      },
    }),
  ];
}
