import express from "express";
import request from "supertest";
import { Redis } from "ioredis";
import pino from "pino";
import { dashboard } from "../src/http/dashboard";
import { errorHandler } from "../src/errors";
import { call, REDIS_URL, useStack } from "./support/stack";

const stack = useStack({ workers: 0 });

/** Logs in with `key`; answers the response and the `name=value` of its session cookie. */
async function login(key: string) {
  const res = await fetch(`${stack.api.url}/ui/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ api_key: key }) });
  const setCookie = res.headers.get("set-cookie") ?? "";
  return { res, body: (await res.json()) as any, setCookie, cookie: setCookie.split(";")[0]! };
}

/** A request that carries the session cookie and no key. */
const withCookie = (cookie: string, method: string, url: string, init: { body?: string; headers?: Record<string, string> } = {}) =>
  call(stack.api.url, method, url, init.body, { key: null, headers: { cookie, ...init.headers } });

async function newKey(role: string): Promise<{ id: string; key: string }> {
  const res = await call(stack.api.url, "POST", "/admin/keys", { name: `ui-${role}`, role });
  return res.body;
}

describe("the dashboard session", () => {
  it("trades a key for an HttpOnly, SameSite=Strict cookie that holds an opaque id, not the key", async () => {
    const { key } = await newKey("reader");
    const { res, body, setCookie, cookie } = await login(key);
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ name: "ui-reader", role: "reader", expires_at: expect.any(String) });
    expect(setCookie).toMatch(/^mlw_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).toMatch(/Max-Age=28800/);
    expect(setCookie).not.toContain(key);
    // Redis keeps neither the key nor the session id.
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${stack.iso.prefix}:ui-session:*`);
    const values = await Promise.all(keys.map((k) => redis.get(k)));
    await redis.quit();
    expect(keys.length).toBeGreaterThan(0);
    expect(JSON.stringify([keys, values])).not.toContain(key);
    expect(JSON.stringify(keys)).not.toContain(cookie.split("=")[1]);
    expect(JSON.stringify(stack.api.logs)).not.toContain(cookie.split("=")[1]);
  });

  it("refuses an unknown key with 401 UNAUTHENTICATED and sets no cookie", async () => {
    const { res, body, setCookie } = await login("mlw_not_a_key_at_all_but_long_enough_xxxxxxxxxx");
    expect(res.status).toBe(401);
    expect(body.error.code).toBe("UNAUTHENTICATED");
    expect(setCookie).toBe("");
  });

  it("acts as the key, with its role", async () => {
    const { cookie } = await login((await newKey("reader")).key);
    expect((await withCookie(cookie, "GET", "/ui/session")).body).toEqual({ authenticated: true, name: "ui-reader", role: "reader", via: "session" });
    expect((await withCookie(`mlw_session=${"B".repeat(43)}`, "GET", "/ui/session")).body).toEqual({ authenticated: false });
    expect((await withCookie(cookie, "GET", "/models")).status).toBe(200);
    const forbidden = await withCookie(cookie, "GET", "/admin/keys");
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe("FORBIDDEN");
  });

  it("needs a JSON body or X-Requested-With on a state-changing request (CSRF), never on a read", async () => {
    const { cookie } = await login((await newKey("admin")).key);
    const plain = await withCookie(cookie, "DELETE", "/models/model-0000000000000000");
    expect(plain.status).toBe(403);
    expect(plain.body.error.code).toBe("CSRF_CHECK_FAILED");
    const form = await withCookie(cookie, "POST", "/registered-models", { body: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(form.body.error.code).toBe("CSRF_CHECK_FAILED");
    expect((await withCookie(cookie, "DELETE", "/models/model-0000000000000000", { headers: { "x-requested-with": "mlw-ui" } })).body.error.code).toBe("MODEL_NOT_FOUND");
    const created = await withCookie(cookie, "POST", "/registered-models", { body: JSON.stringify({ name: "from-the-ui" }), headers: { "content-type": "application/json" } });
    expect(created.status).toBe(201);
    expect(created.body.created_by).toBe("ui-admin");
  });

  it("opens Bull Board to an admin's session and not to a reader's", async () => {
    const admin = await login((await newKey("admin")).key);
    const reader = await login((await newKey("reader")).key);
    expect((await fetch(`${stack.api.url}/admin/queues`, { headers: { cookie: admin.cookie } })).status).toBe(200);
    expect((await fetch(`${stack.api.url}/admin/queues`, { headers: { cookie: reader.cookie } })).status).toBe(401);
  });

  it("ends on logout, on a revoked key, and refuses a made-up id", async () => {
    const first = await login((await newKey("reader")).key);
    const out = await fetch(`${stack.api.url}/ui/session`, { method: "DELETE", headers: { cookie: first.cookie } });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/^mlw_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await withCookie(first.cookie, "GET", "/models")).body.error.code).toBe("UNAUTHENTICATED");

    const revoked = await newKey("trainer");
    const second = await login(revoked.key);
    expect((await withCookie(second.cookie, "GET", "/models")).status).toBe(200);
    await call(stack.api.url, "DELETE", `/admin/keys/${revoked.id}`);
    await new Promise((r) => setTimeout(r, 1000));
    const after = await withCookie(second.cookie, "GET", "/models");
    expect(after.status).toBe(401);
    expect(after.body.error.message).toMatch(/log in again/);

    expect((await withCookie(`mlw_session=${"A".repeat(43)}`, "GET", "/models")).status).toBe(401);
  });
});

describe("the dashboard's files", () => {
  it("serves the built shell publicly at /ui/, with a CSP that allows only this origin's scripts", async () => {
    const shell = await fetch(`${stack.api.url}/ui/`);
    expect(shell.status).toBe(200);
    expect(shell.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
    const html = await shell.text();
    const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(stack.api.url + script);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toMatch(/immutable/);
    expect((await fetch(`${stack.api.url}/ui/no-such-file.js`)).status).toBe(404);
  });

  it("answers 404 UI_NOT_BUILT at /ui when the dashboard is not built, and the rest of the app runs", async () => {
    const app = express();
    app.use("/ui", dashboard(pino({ level: "silent" }), undefined));
    app.get("/other", (_req, res) => void res.json({ ok: true }));
    app.use(errorHandler);
    const res = await request(app).get("/ui/");
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: "UI_NOT_BUILT", message: expect.stringContaining("pnpm build") });
    expect((await request(app).get("/other")).body).toEqual({ ok: true });
  });
});
