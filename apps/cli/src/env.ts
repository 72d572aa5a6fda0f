import { z } from "zod";

const envSchema = z.object({
  MLW_URL: z.url("MLW_URL must be a URL such as http://localhost:8002").default("http://127.0.0.1:8002"),
  MLW_API_KEY: z.string().min(1).optional(),
});

/** The CLI's configuration: where the API is (`MLW_URL`, default http://127.0.0.1:8002) and the key it sends (`MLW_API_KEY`). */
export type CliEnv = Readonly<z.infer<typeof envSchema>>;

/** Reads the CLI's configuration from `source` once; the only place that reads the environment. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): CliEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) throw new CliError("INVALID_CONFIG", parsed.error.issues.map((i) => i.message).join("; "));
  return Object.freeze({ ...parsed.data, MLW_URL: parsed.data.MLW_URL.replace(/\/+$/, "") });
}

/** A failure the CLI reports: the API's `code` and `message`, or one of its own (CONNECTION_FAILED, INVALID_ARGUMENT...). */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
