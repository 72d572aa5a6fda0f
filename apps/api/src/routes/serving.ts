import { z } from "zod";
import { HttpError } from "../errors";
import type { AppContext } from "../http/context";
import { defineRoute, type Route } from "../http/route";
import { errorEnvelope, predictBody, predictionSchema } from "../http/schemas";
import { predictRows } from "../serving/predict";
import type { ServedVersion } from "../serving/registry-cache";

const MAX_INT = 2 ** 31 - 1;

/** The alias served when a request names neither an alias nor a version (and no traffic policy applies). */
export const DEFAULT_ALIAS = "champion";

const nameParams = z.object({ name: z.string().min(1) });
const predictQuery = z
  .object({
    alias: z.string().min(1).optional().meta({ description: "Serve the version this alias points at." }),
    version: z.coerce.number().int("the version must be an integer").min(1, "versions start at 1").max(MAX_INT, "no such version").optional().meta({ description: "Serve this version." }),
  })
  .refine((q) => q.alias === undefined || q.version === undefined, { message: "give `alias` or `version`, not both", path: ["alias"] });

const nameNotFound = (name: string) => new HttpError(404, "REGISTERED_MODEL_NOT_FOUND", `No registered model named "${name}".`);
const aliasNotFound = (name: string, alias: string) => new HttpError(404, "ALIAS_NOT_FOUND", `Registered model "${name}" has no alias "${alias}".`);
const versionNotFound = (name: string, version: number) => new HttpError(404, "VERSION_NOT_FOUND", `Registered model "${name}" has no version ${version}.`);

/** Serving by registered model name. */
export function servingRoutes(ctx: AppContext): Route[] {
  /** The version `alias` of `name` points at, with its model; 404 naming what is missing. */
  const versionOf = async (name: string, choice: { alias: string } | { version: number }): Promise<ServedVersion> => {
    const registered = await ctx.serving.registry.name(name);
    if (!registered) throw nameNotFound(name);
    const version = "version" in choice ? choice.version : registered.aliases[choice.alias];
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
        "The body and answer of `POST /model/{id}/predict`, plus `model_version` (also in the `X-Model-Version` header). Serves the version `?version=` names, or the one `?alias=` points at; without either, the alias `champion`.",
      access: "predict",
      params: nameParams,
      query: predictQuery,
      body: predictBody,
      responses: {
        200: { description: "One prediction per row, and the version that made them.", schema: predictionSchema.extend({ model_version: z.number().int() }).meta({ id: "VersionPredictions" }), headers: { "X-Model-Version": "The version that made the predictions." } },
        404: { description: "Unknown registered model (REGISTERED_MODEL_NOT_FOUND), alias (ALIAS_NOT_FOUND) or version (VERSION_NOT_FOUND).", schema: errorEnvelope },
        422: { description: "A row's value cannot be used.", schema: errorEnvelope },
      },
      async handler({ params, query, body, res }) {
        const served = await versionOf(params.name, query.version !== undefined ? { version: query.version } : { alias: query.alias ?? DEFAULT_ALIAS });
        const model = await ctx.serving.models.get(served.model.id, served.model.artifactUri, served.model.artifactBytes);
        const answer = predictRows(model, body.rows);
        res.set("X-Model-Version", String(served.version)).json({ ...answer, model_version: served.version });
      },
    }),
  ];
}
