import type { Express, Request } from "express";
import { HttpError, parseOr400 } from "../errors";
import type { Authenticator, RequestWithPrincipal } from "./auth";
import { expressPath, type Route } from "./route";
import type { RequestHandler } from "express";

/**
 * Mounts declared routes on `app`: for each, the key check its access needs, the rate limit, then
 * validation of path, query and body with its schemas (400 naming the field; a NUL byte anywhere
 * is refused first), then its handler.
 */
export function mountRoutes(app: Express, routes: readonly Route[], auth: Authenticator, limiter: RequestHandler): void {
  for (const route of routes) {
    const guards: RequestHandler[] = [];
    if (route.access !== "public") {
      guards.push(auth.require(route.access));
      if (route.rateLimited !== false) guards.push(limiter);
    }
    app[route.method](expressPath(route.path), ...guards, async (req: Request, res) => {
      refuseNul(req.params, "path");
      refuseNul(req.query, "query");
      refuseNul(req.body, "body");
      await route.handler({
        params: route.params ? parseOr400(route.params, req.params, "path") : {},
        query: route.query ? parseOr400(route.query, req.query, "query") : {},
        body: route.body ? parseOr400(route.body, req.body ?? {}) : undefined,
        principal: (req as RequestWithPrincipal).principal,
        req,
        res,
      });
    });
  }
}

/** A 400 for a NUL byte in any string of `value` (Postgres and file paths cannot hold one). */
function refuseNul(value: unknown, where: string, path: string[] = []): void {
  if (typeof value === "string") {
    if (value.includes("\0")) throw new HttpError(400, "VALIDATION_ERROR", `\`${[where, ...path].join(".")}\` must not contain NUL bytes.`);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes("\0")) throw new HttpError(400, "VALIDATION_ERROR", `A key of \`${[where, ...path].join(".")}\` contains a NUL byte.`);
      refuseNul(v, where, [...path, k]);
    }
  }
}
