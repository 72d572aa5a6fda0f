import { existsSync } from "node:fs";
import path from "node:path";
import express, { type RequestHandler } from "express";
import type { Logger } from "@mlw/runtime";
import { HttpError } from "../errors";

/** Served with every dashboard file: only this origin's scripts, no framing. */
const SECURITY_HEADERS = {
  "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
};

/** The folder of the built dashboard (`@mlw/ui`'s dist), or undefined when it is not built. */
export function dashboardDir(): string | undefined {
  try {
    const dir = path.join(path.dirname(require.resolve("@mlw/ui/package.json")), "dist");
    return existsSync(path.join(dir, "index.html")) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The dashboard's static files (public: the shell shows a login form; its data calls need the
 * session cookie). When the dashboard is not built, `/ui` answers 404 UI_NOT_BUILT and the API
 * runs as usual.
 */
export function dashboard(log: Logger, dir: string | undefined): RequestHandler {
  if (!dir) {
    log.warn("the dashboard is not built (run `pnpm build`): /ui answers 404");
    return (_req, _res, next) => next(new HttpError(404, "UI_NOT_BUILT", "The dashboard is not built on this server: run `pnpm build` and restart the API."));
  }
  return express.static(dir, {
    index: "index.html",
    fallthrough: true,
    setHeaders: (res, file) => {
      res.set(SECURITY_HEADERS);
      // Vite names assets by content hash: they never change; the shell must be fetched anew.
      res.set("Cache-Control", file.includes(`${path.sep}assets${path.sep}`) ? "public, max-age=31536000, immutable" : "no-cache");
    },
  });
}
