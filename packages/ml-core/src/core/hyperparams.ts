import { z } from "zod";
import { InvalidHyperparameterError } from "./errors";

/** How one hyperparameter is described to users (`GET /algorithms`). */
export interface ParamDoc {
  readonly name: string;
  /** int | float | bool | string | enum | int_list | union of these, written as "a | b". */
  readonly type: string;
  readonly default: unknown;
  readonly min?: number;
  readonly max?: number;
  /** Allowed values of an enum-like parameter. */
  readonly values?: readonly unknown[];
  readonly description: string;
}

/** One declared hyperparameter: how to validate it and how to document it. */
export interface ParamDef<T> {
  readonly schema: z.ZodType<T>;
  readonly doc: Omit<ParamDoc, "name">;
}

type Bounds = { min?: number; max?: number; exclusiveMin?: boolean };

/** An integer parameter. */
export function int(def: { default: number; description: string } & Bounds): ParamDef<number> {
  let s = z.number().int();
  if (def.min !== undefined) s = s.min(def.min);
  if (def.max !== undefined) s = s.max(def.max);
  return { schema: s.default(def.default) as unknown as z.ZodType<number>, doc: { type: "int", ...bounds(def), default: def.default, description: def.description } };
}

/** A float parameter; `exclusiveMin` makes the lower bound strict. */
export function float(def: { default: number; description: string } & Bounds): ParamDef<number> {
  let s = z.number().finite();
  if (def.min !== undefined) s = def.exclusiveMin ? s.gt(def.min) : s.min(def.min);
  if (def.max !== undefined) s = s.max(def.max);
  return { schema: s.default(def.default) as unknown as z.ZodType<number>, doc: { type: "float", ...bounds(def), default: def.default, description: def.description } };
}

/** A boolean parameter. */
export function bool(def: { default: boolean; description: string }): ParamDef<boolean> {
  return { schema: z.boolean().default(def.default) as unknown as z.ZodType<boolean>, doc: { type: "bool", default: def.default, description: def.description } };
}

/** A parameter that takes one of a fixed list of values (strings, numbers or null). */
export function oneOf<const V extends readonly (string | number | boolean | null)[]>(
  values: V,
  def: { default: V[number]; description: string },
): ParamDef<V[number]> {
  const literals = values.map((v) => z.literal(v));
  const schema = (literals.length === 1 ? literals[0]! : z.union(literals as unknown as [z.ZodLiteral, z.ZodLiteral])) as z.ZodType<V[number]>;
  return { schema: schema.default(def.default as never) as unknown as z.ZodType<V[number]>, doc: { type: "enum", values, default: def.default, description: def.description } };
}

/** Escape hatch for parameters of mixed type (`max_features`: "sqrt" | "log2" | null | number). */
export function custom<T>(schema: z.ZodType<T>, doc: Omit<ParamDoc, "name">): ParamDef<T> {
  return { schema: (schema as z.ZodType<T>).default(doc.default as never) as unknown as z.ZodType<T>, doc };
}

function bounds(b: Bounds): { min?: number; max?: number } {
  return { ...(b.min !== undefined ? { min: b.min } : {}), ...(b.max !== undefined ? { max: b.max } : {}) };
}

/** The declared hyperparameters of one estimator: validation with defaults, and their docs. */
export interface ParamSet<P> {
  /** Validates user input (unknown names are refused) and fills in the defaults. */
  parse(input: unknown): P;
  /**
   * Why `input` breaks the parameters' own declarations (names, types, bounds), in the words of
   * `parse`; undefined when it does not. The cross-parameter check is left out, so one value can
   * be judged with the defaults for the rest.
   */
  invalidReason(input: unknown): string | undefined;
  readonly docs: readonly ParamDoc[];
  readonly defaults: P;
  readonly schema: z.ZodType<P>;
}

/**
 * Declares an estimator's hyperparameters once; the result validates requests (with
 * scikit-learn's defaults) and documents them.
 * @param defs name -> definition, built with `int`, `float`, `bool`, `oneOf`, `custom`.
 * @param check optional cross-parameter check, returning an error message or undefined.
 */
export function defineParams<D extends Record<string, ParamDef<any>>>(
  defs: D,
  check?: (params: { [K in keyof D]: D[K] extends ParamDef<infer T> ? T : never }) => string | undefined,
): ParamSet<{ [K in keyof D]: D[K] extends ParamDef<infer T> ? T : never }> {
  type P = { [K in keyof D]: D[K] extends ParamDef<infer T> ? T : never };
  const shape = Object.fromEntries(Object.entries(defs).map(([k, d]) => [k, d.schema]));
  const schema = z.strictObject(shape) as unknown as z.ZodType<P>;
  const docs = Object.entries(defs).map(([name, d]) => ({ name, ...d.doc }));
  const parse = (input: unknown): P => {
    const result = schema.safeParse(input ?? {});
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new InvalidHyperparameterError(describeIssue(issue, Object.keys(defs), input), { issues: result.error.issues.map(({ path, message, code }) => ({ path, message, code })) });
    }
    if (check) {
      const message = check(result.data);
      if (message) throw new InvalidHyperparameterError(message);
    }
    return result.data;
  };
  const invalidReason = (input: unknown): string | undefined => {
    const result = schema.safeParse(input ?? {});
    return result.success ? undefined : describeIssue(result.error.issues[0]!, Object.keys(defs), input);
  };
  return { parse, invalidReason, docs, defaults: schema.parse({}), schema };
}

function describeIssue(issue: z.core.$ZodIssue, names: string[], input: unknown): string {
  if (issue.code === "unrecognized_keys") {
    return `Unknown hyperparameter ${issue.keys.map((k) => `\`${k}\``).join(", ")}; valid ones are: ${names.join(", ")}.`;
  }
  const name = String(issue.path[0] ?? "hyperparams");
  const got = JSON.stringify((input as Record<string, unknown> | null | undefined)?.[name]);
  switch (issue.code) {
    case "too_small":
      return `\`${name}\` must be ${issue.inclusive ? "at least" : "greater than"} ${String(issue.minimum)}, but got ${got}.`;
    case "too_big":
      return `\`${name}\` must be ${issue.inclusive ? "at most" : "less than"} ${String(issue.maximum)}, but got ${got}.`;
    default:
      return `\`${name}\` is invalid (${issue.message}), got ${got}.`;
  }
}

/**
 * `set` that also takes other names for some parameters (XGBoost's `eta` for `learning_rate`):
 * an alias is renamed before validation, and giving both names is refused. The docs, defaults and
 * parsed values use the canonical names only.
 * @param aliases alias -> canonical parameter name.
 */
export function withAliases<P>(set: ParamSet<P>, aliases: Readonly<Record<string, string>>): ParamSet<P> {
  const rename = (input: unknown): unknown => {
    if (input === null || typeof input !== "object") return input;
    const out: Record<string, unknown> = { ...(input as Record<string, unknown>) };
    for (const [alias, name] of Object.entries(aliases)) {
      if (!(alias in out)) continue;
      if (name in out) throw new InvalidHyperparameterError(`\`${alias}\` is another name for \`${name}\`; give one of them, not both.`);
      out[name] = out[alias];
      delete out[alias];
    }
    return out;
  };
  return {
    ...set,
    parse: (input) => set.parse(rename(input)),
    invalidReason: (input) => {
      try {
        return set.invalidReason(rename(input));
      } catch (e) {
        return (e as Error).message;
      }
    },
  };
}
