import { z } from "zod";

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
