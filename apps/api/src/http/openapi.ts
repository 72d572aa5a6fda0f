import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { ACCESS_ROLES } from "./auth";
import type { Route } from "./route";
import { errorEnvelope } from "./schemas";

/**
 * The OpenAPI 3.1 document of `routes`, generated from the zod schemas the routes validate with:
 * parameters, bodies, responses, the error envelope and the bearer scheme. Public routes carry
 * `security: []`.
 */
export function openApiDocument(routes: readonly Route[], version: string): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const operation: ZodOpenApiOperationObject = {
      operationId: `${route.method}${route.path.replace(/[{}]/g, "").replace(/(^|[/_-])(\w)/g, (_, __, c: string) => c.toUpperCase())}`,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      ...(route.access === "public" ? { security: [] } : { "x-roles": [...ACCESS_ROLES[route.access]] }),
      requestParams: {
        ...(route.params ? { path: route.params as z.ZodObject } : {}),
        ...(route.query ? { query: route.query as z.ZodObject } : {}),
      },
      ...(route.body ? { requestBody: { required: true, content: { "application/json": { schema: route.body } } } } : {}),
      ...(route.rawBody ? { requestBody: { required: true, description: route.rawBody.description, content: Object.fromEntries(Object.entries(route.rawBody.content).map(([type, schema]) => [type, { schema }])) } } : {}),
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, r]) => [
          status,
          {
            description: r.description,
            ...(r.headers ? { headers: Object.fromEntries(Object.entries(r.headers).map(([h, d]) => [h, { description: d, schema: { type: "string" as const } }])) } : {}),
            ...(r.schema || r.contentType ? { content: { [r.contentType ?? "application/json"]: { schema: r.schema ?? z.string() } } } : {}),
          },
        ]),
      ) as ZodOpenApiOperationObject["responses"],
    };
    if (route.access !== "public") {
      operation.responses["401"] ??= { description: "No valid API key.", content: { "application/json": { schema: errorEnvelope } } };
      operation.responses["403"] ??= { description: "The key's role may not use this route.", content: { "application/json": { schema: errorEnvelope } } };
      if (route.rateLimited !== false) operation.responses["429"] ??= { description: "Rate limit or quota exceeded.", headers: { "Retry-After": { description: "Seconds to wait.", schema: { type: "string" as const } } }, content: { "application/json": { schema: errorEnvelope } } };
    }
    if (route.params || route.query || route.body || route.rawBody) operation.responses["400"] ??= { description: "Invalid request.", content: { "application/json": { schema: errorEnvelope } } };
    const item = (paths[route.path] ??= {});
    (item as Record<string, ZodOpenApiOperationObject>)[route.method] = operation;
  }
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "ML worker service",
      version,
      description: "Train, tune, evaluate and serve models on tabular data. Every route but health and these docs needs `Authorization: Bearer <key>`.",
    },
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API key: `mlw_…` (POST /admin/keys), or MLW_ADMIN_KEY." } } },
    paths,
  });
}
