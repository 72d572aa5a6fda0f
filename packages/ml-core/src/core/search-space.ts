import { z } from "zod";
import { MlError } from "./errors";

/** A value a categorical search dimension can take. */
export type Choice = string | number | boolean | null;

/** Makes a parameter exist only when another parameter took one of some values. */
export interface Condition {
  readonly param: string;
  readonly in: readonly Choice[];
}

/** One dimension of a search space, in the JSON form shown by `GET /algorithms`. */
export type Distribution =
  | { readonly type: "float"; readonly low: number; readonly high: number; readonly log?: boolean; readonly step?: number; readonly condition?: Condition }
  | { readonly type: "int"; readonly low: number; readonly high: number; readonly log?: boolean; readonly step?: number; readonly condition?: Condition }
  | { readonly type: "categorical"; readonly choices: readonly Choice[]; readonly condition?: Condition };

/** A search space: parameter name -> distribution. */
export type SearchSpace = Readonly<Record<string, Distribution>>;

const choice = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const condition = z.strictObject({ param: z.string().min(1), in: z.array(choice).min(1) });

/** Validates a search space sent by a user (same JSON form as `GET /algorithms` shows). */
export const searchSpaceSchema: z.ZodType<SearchSpace> = z.record(
  z.string().min(1),
  z.discriminatedUnion("type", [
    z.strictObject({ type: z.literal("float"), low: z.number().finite(), high: z.number().finite(), log: z.boolean().optional(), step: z.number().positive().optional(), condition: condition.optional() }),
    z.strictObject({ type: z.literal("int"), low: z.number().int(), high: z.number().int(), log: z.boolean().optional(), step: z.number().int().positive().optional(), condition: condition.optional() }),
    z.strictObject({ type: z.literal("categorical"), choices: z.array(choice).min(1), condition: condition.optional() }),
  ]).refine((d) => d.type === "categorical" || d.low <= d.high, { message: "low must not exceed high" })
    .refine((d) => d.type === "categorical" || !d.log || d.low > 0, { message: "a log-scaled range needs low > 0" }),
) as z.ZodType<SearchSpace>;

/** A search space malformed in a way the JSON schema cannot see (a condition on an unknown parameter, on a value its parent never takes, or a cycle). */
export class InvalidSearchSpaceError extends MlError {
  declare readonly code: "INVALID_SEARCH_SPACE";
  constructor(message: string, details?: unknown) {
    super("INVALID_SEARCH_SPACE", message, 400, details);
  }
}

/**
 * Parameter names with every parent before its children (the space's own order otherwise).
 * Throws `InvalidSearchSpaceError` for a condition on an unknown parameter, on a value a
 * categorical parent never takes, or a cycle.
 */
export function orderParams(space: SearchSpace): string[] {
  const names = Object.keys(space);
  const out: string[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (name: string, path: string[]): void => {
    const st = state.get(name);
    if (st === 2) return;
    if (st === 1) throw new InvalidSearchSpaceError(`The conditions of \`${[...path, name].join("` -> `")}\` form a cycle.`);
    state.set(name, 1);
    const parent = (space[name] as Distribution).condition?.param;
    if (parent !== undefined) {
      if (!Object.prototype.hasOwnProperty.call(space, parent)) throw new InvalidSearchSpaceError(`\`${name}\` is conditioned on \`${parent}\`, which is not in the search space.`);
      const parentSpace = space[parent] as Distribution;
      if (parentSpace.type === "categorical") {
        const never = (space[name] as Distribution).condition!.in.filter((v) => !parentSpace.choices.some((c) => c === v));
        if (never.length) throw new InvalidSearchSpaceError(`\`${name}\` is conditioned on \`${parent}\` being ${JSON.stringify(never)}, which \`${parent}\` never takes (its choices: ${JSON.stringify(parentSpace.choices)}).`, { param: name });
      }
      visit(parent, [...path, name]);
    }
    state.set(name, 2);
    out.push(name);
  };
  for (const name of names) visit(name, []);
  return out;
}
