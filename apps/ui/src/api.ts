/** An error answer of the API: its status, machine code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Called when a data call answers 401: the session is gone, show the login form. */
let onUnauthenticated: () => void = () => undefined;
export function setOnUnauthenticated(fn: () => void): void {
  onUnauthenticated = fn;
}

/**
 * Calls the API with the session cookie (same origin). State-changing calls send JSON and
 * `X-Requested-With`, which the API requires of cookie requests (CSRF).
 */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? "GET";
  const headers: Record<string, string> = { accept: "application/json" };
  if (method !== "GET") headers["x-requested-with"] = "mlw-ui";
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path, { method, headers, credentials: "same-origin", body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const body = res.headers.get("content-type")?.includes("json") ? await res.json() : await res.text();
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string } })?.error;
    if (res.status === 401 && !path.endsWith("/ui/session")) onUnauthenticated();
    throw new ApiError(res.status, error?.code ?? "HTTP_ERROR", error?.message ?? `${method} ${path} answered ${res.status}.`);
  }
  return body as T;
}

/** Who is logged in. */
export interface Session {
  readonly name: string;
  readonly role: "admin" | "trainer" | "predictor" | "reader";
}

let operations: Promise<Set<string>> | undefined;

/**
 * Whether this server has `operation` ("GET /studies"), from its OpenAPI document (fetched
 * once): the pages ask before calling a route that a server of another version may lack, so
 * no request fails on the way.
 */
export async function hasOperation(operation: string): Promise<boolean> {
  operations ??= api<{ paths: Record<string, Record<string, unknown>> }>("/openapi.json").then(
    (doc) => new Set(Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))),
  );
  return (await operations).has(operation);
}
