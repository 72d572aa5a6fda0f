import { z } from "zod";
import { hashKey } from "@mlw/db";
import { HttpError } from "../errors";
import { bearerToken } from "../http/auth";
import type { AppContext } from "../http/context";
import { defineRoute, type Route } from "../http/route";
import { errorEnvelope } from "../http/schemas";
import { SESSION_COOKIE, sessionIdOf } from "../http/sessions";

const loginBody = z.strictObject({ api_key: z.string().min(1).max(512).meta({ description: "An API key; it is checked, never stored in the cookie." }) }).meta({ id: "SessionLogin" });
const sessionSchema = z
  .object({
    name: z.string().meta({ description: "The name of the key the session acts as." }),
    role: z.enum(["admin", "trainer", "predictor", "reader"]),
  })
  .meta({ id: "Session" });
const openedSchema = sessionSchema.extend({ expires_at: z.string().meta({ description: "When the session ends." }) }).meta({ id: "SessionOpened" });
const callerSchema = z
  .object({
    authenticated: z.boolean(),
    name: z.string().optional(),
    role: sessionSchema.shape.role.optional(),
    via: z.enum(["session", "key"]).optional().meta({ description: "The session cookie, or a bearer key." }),
  })
  .meta({ id: "SessionCaller" });

/**
 * The dashboard's login: `POST /ui/session` trades an API key for an HttpOnly, SameSite=Strict
 * session cookie (an opaque id; Redis maps it to the key's hash), `GET /ui/session` says who the
 * caller is, `DELETE /ui/session` logs out.
 */
export function uiSessionRoutes(ctx: AppContext): Route[] {
  /** Read at request time: the route table is also built, without a server, for the OpenAPI document. */
  const sessions = () => ctx.auth.sessions!;
  const cookie = (secure: boolean, maxAge: number) => ({ httpOnly: true, sameSite: "strict" as const, secure, path: "/", maxAge: maxAge * 1000 });
  return [
    defineRoute({
      method: "post",
      path: "/ui/session",
      tag: "dashboard",
      summary: "Log in to the dashboard with an API key",
      description: "Sets the `mlw_session` cookie (HttpOnly, SameSite=Strict, Path=/). Requests carrying it act as the key, with its role, until the session expires or the key is revoked. State-changing requests made with the cookie need a JSON body or an `X-Requested-With` header.",
      access: "public",
      body: loginBody,
      responses: { 200: { description: "Logged in; the cookie is set.", schema: openedSchema, headers: { "Set-Cookie": "mlw_session=<opaque id>; HttpOnly; SameSite=Strict" } }, 401: { description: "The key is unknown or revoked.", schema: errorEnvelope } },
      async handler({ body, req, res }) {
        const principal = await ctx.auth.principalOf(body.api_key);
        if (!principal) throw new HttpError(401, "UNAUTHENTICATED", "The API key is not valid, or it has been revoked.");
        const id = await sessions().open(hashKey(body.api_key));
        const expiresAt = new Date(Date.now() + sessions().ttlSeconds * 1000).toISOString();
        req.log.info({ key: principal.name, role: principal.role }, "dashboard session opened");
        res.cookie(SESSION_COOKIE, id, cookie(req.secure, sessions().ttlSeconds)).json({ name: principal.name, role: principal.role, expires_at: expiresAt });
      },
    }),
    defineRoute({
      method: "get",
      path: "/ui/session",
      tag: "dashboard",
      summary: "Who the caller is: the key behind the session cookie (or the bearer key)",
      description: "Public, so that the dashboard learns whether to show its login form without a failed request: `authenticated` is false without a valid session or key.",
      access: "public",
      responses: { 200: { description: "The caller, if any.", schema: callerSchema } },
      async handler({ req, res }) {
        const bearer = bearerToken(req);
        const id = bearer ? undefined : sessionIdOf(req);
        const principal = bearer ? await ctx.auth.principalOf(bearer) : id ? await ctx.auth.sessionPrincipal(id) : undefined;
        res.json(principal ? { authenticated: true, name: principal.name, role: principal.role, via: bearer ? "key" : "session" } : { authenticated: false });
      },
    }),
    defineRoute({
      method: "delete",
      path: "/ui/session",
      tag: "dashboard",
      summary: "Log out of the dashboard",
      description: "Ends the session of the cookie (if any) and clears the cookie.",
      access: "public",
      responses: { 200: { description: "Logged out.", schema: z.object({ logged_out: z.literal(true) }) } },
      async handler({ req, res }) {
        const id = sessionIdOf(req);
        if (id) await sessions().close(id);
        res.clearCookie(SESSION_COOKIE, { ...cookie(req.secure, 0), maxAge: undefined }).json({ logged_out: true });
      },
    }),
  ];
}
