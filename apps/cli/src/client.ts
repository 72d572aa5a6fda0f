import { CliError, type CliEnv } from "./env";

/** A JSON call's method, path (with query) and body. */
export type Method = "GET" | "POST" | "PUT" | "DELETE";

/** The API's error answers: the envelope `{error: {code, message}}`, or a `?wait` failure `{success: false, code, message}`. */
function errorOf(status: number, body: any): CliError {
  const e = body?.error ?? (body?.success === false ? body : undefined);
  if (e && typeof e.code === "string") return new CliError(e.code, String(e.message ?? ""), status);
  return new CliError(`HTTP_${status}`, typeof body === "string" && body ? body.slice(0, 500) : `The API answered ${status}.`, status);
}

/** A thin client of the HTTP API: sends the key, parses JSON, turns error answers into `CliError`s. */
export class ApiClient {
  constructor(private readonly env: CliEnv) {}

  /** The response of `method path`, with the key; throws CONNECTION_FAILED when the API cannot be reached. */
  async raw(method: Method, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const all: Record<string, string> = { ...headers };
    if (this.env.MLW_API_KEY) all.authorization = `Bearer ${this.env.MLW_API_KEY}`;
    if (body !== undefined) all["content-type"] = "application/json";
    try {
      return await fetch(this.env.MLW_URL + path, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      const cause = (e as { cause?: Error }).cause?.message ?? (e as Error).message;
      throw new CliError("CONNECTION_FAILED", `Cannot reach the API at ${this.env.MLW_URL} (MLW_URL): ${cause}.`);
    }
  }

  /** The parsed JSON answer of `method path`; a status of 400 or more throws the API's code and message. */
  async call<T = any>(method: Method, path: string, body?: unknown): Promise<T> {
    const res = await this.raw(method, path, body);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: reported as text */
    }
    if (res.status >= 400) throw errorOf(res.status, parsed);
    return parsed as T;
  }
}

/** `s` as a path segment. */
export const seg = (s: string | number): string => encodeURIComponent(String(s));
