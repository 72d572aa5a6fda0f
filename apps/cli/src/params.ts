import { readFileSync } from "node:fs";
import { CliError } from "./env";

/**
 * Parses one `--param k=v` into `[k, value]`: the value as JSON where it is JSON (`5`, `0.1`,
 * `null`, `true`, `[1,2]`), as text otherwise (`sqrt`).
 */
export function parseParam(pair: string): [string, unknown] {
  const at = pair.indexOf("=");
  if (at <= 0) throw new CliError("INVALID_ARGUMENT", `--param takes key=value, but got "${pair}".`);
  const raw = pair.slice(at + 1);
  try {
    return [pair.slice(0, at), JSON.parse(raw)];
  } catch {
    return [pair.slice(0, at), raw];
  }
}

/** Commander's collector for a repeatable `--param`. */
export function collectParam(pair: string, acc: Record<string, unknown> = {}): Record<string, unknown> {
  const [k, v] = parseParam(pair);
  return { ...acc, [k]: v };
}

/** A JSON option given inline or as `@file.json`. */
export function jsonOption(value: string): unknown {
  const text = value.startsWith("@") ? readFileSync(value.slice(1), "utf8") : value;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError("INVALID_ARGUMENT", `Expected JSON${value.startsWith("@") ? ` in ${value.slice(1)}` : ""}: ${(e as Error).message}.`);
  }
}

/** A name, or `{name, ...settings}` as JSON (a sampler or a pruner). */
export function choiceOption(value: string): unknown {
  return value.trimStart().startsWith("{") ? jsonOption(value) : value;
}

/** A whole number option, at least `min`. */
export function intOption(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new CliError("INVALID_ARGUMENT", `Expected a whole number of at least ${min}, but got "${value}".`);
    return n;
  };
}
