import { z } from "zod";
import { createApiKey, listApiKeys, revokeApiKey, ROLES, type ApiKeyRow } from "@mlw/db";
import { HttpError } from "../errors";
import type { AppContext } from "../http/context";
import { defineRoute, type Route } from "../http/route";
import { errorEnvelope, idParams } from "../http/schemas";

const keySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    prefix: z.string().meta({ description: "The key's first characters, to tell keys apart." }),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .meta({ id: "ApiKey" });
const newKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100).meta({ description: "Who or what uses the key." }),
  role: z.enum(ROLES).meta({ description: "admin: everything; trainer: train, optimize, evaluate, predict and read; predictor: predict and read models; reader: GET only." }),
});

function keyView(k: ApiKeyRow) {
  return { id: k.id, name: k.name, role: k.role, prefix: k.prefix, created_at: k.createdAt.toISOString(), last_used_at: k.lastUsedAt?.toISOString() ?? null, revoked_at: k.revokedAt?.toISOString() ?? null };
}

/** Key management (admin only): create (the key is answered once), list, revoke. */
export function keyRoutes(ctx: AppContext): Route[] {
  return [
    defineRoute({
      method: "post",
      path: "/admin/keys",
      tag: "admin",
      summary: "Create an API key",
      description: "Answers the new key once, in `key`: only its hash is stored.",
      access: "admin",
      body: newKeyBody,
      responses: { 201: { description: "The new key.", schema: keySchema.extend({ key: z.string() }) } },
      async handler({ body, principal, req, res }) {
        const { row, key } = await createApiKey(ctx.database.db, body);
        req.log.info({ keyId: row.id, name: row.name, role: row.role, by: principal!.name }, "api key created");
        res.status(201).json({ ...keyView(row), key });
      },
    }),
    defineRoute({
      method: "get",
      path: "/admin/keys",
      tag: "admin",
      summary: "Every API key (never the keys themselves)",
      access: "admin",
      responses: { 200: { description: "The keys.", schema: z.object({ keys: z.array(keySchema) }) } },
      async handler({ res }) {
        res.json({ keys: (await listApiKeys(ctx.database.db)).map(keyView) });
      },
    }),
    defineRoute({
      method: "delete",
      path: "/admin/keys/{id}",
      tag: "admin",
      summary: "Revoke an API key",
      description: "Every API process refuses it within a second.",
      access: "admin",
      params: idParams,
      responses: { 200: { description: "Revoked.", schema: keySchema }, 404: { description: "Unknown key.", schema: errorEnvelope } },
      async handler({ params, principal, req, res }) {
        const row = /^key-[0-9a-f]{16}$/.test(params.id) ? await revokeApiKey(ctx.database.db, params.id) : undefined;
        if (!row) throw new HttpError(404, "KEY_NOT_FOUND", `No API key with id "${params.id}".`);
        req.log.info({ keyId: row.id, name: row.name, by: principal!.name }, "api key revoked");
        res.json(keyView(row));
      },
    }),
  ];
}
