import type { Request, Response } from "express";
import { z } from "zod";
import type { Principal } from "./auth";

/**
 * Who may call a route, by the role of their key:
 * - `public`: anyone, no key (health, the API's own documentation);
 * - `admin`: admin keys (key management, deletes);
 * - `trainer`: admin and trainer (train, optimize, evaluate);
 * - `predict`: admin, trainer and predictor;
 * - `read`: every role but predictor (studies, jobs, algorithms);
 * - `read-models`: every role (the model catalogue);
 * - `metrics`: admin keys, or the METRICS_TOKEN of a Prometheus scraper.
 */
export type Access = "public" | "admin" | "trainer" | "predict" | "read" | "read-models" | "metrics";

/** One documented response of a route. */
export interface ResponseSpec {
  readonly description: string;
  /** The JSON body's schema (absent for a body that is not JSON, see `contentType`). */
  readonly schema?: z.ZodType;
  /** Default application/json. */
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

/** What a route's handler gets: the request's validated parts, the caller, and the raw request and response. */
export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** The caller's key (undefined on public routes). */
  readonly principal: Principal | undefined;
  readonly req: Request;
  readonly res: Response;
}

/** One HTTP route, declared once: its schemas validate requests and document the route alike. */
export interface Route<P = any, Q = any, B = any> {
  readonly method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI form: `/models/{id}`. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly access: Access;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  /** A body that is not JSON, read by the handler itself (an upload): its media types and schemas, for the document only. */
  readonly rawBody?: { readonly description: string; readonly content: Readonly<Record<string, z.ZodType>> };
  /** Counted against the caller's rate limit (default true for routes that need a key). */
  readonly rateLimited?: boolean;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  handler(input: RouteInput<P, Q, B>): Promise<void> | void;
}

/** Declares a route (types flow from the schemas to the handler). */
export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(route: Route<P, Q, B>): Route<P, Q, B> {
  return route;
}

/** The Express form of an OpenAPI path: `/models/{id}` → `/models/:id`. */
export function expressPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ":$1");
}
