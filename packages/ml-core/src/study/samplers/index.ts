import { z } from "zod";
import { GridSampler } from "./grid-sampler";
import { QmcSampler } from "./qmc-sampler";
import { RandomSampler } from "./random-sampler";
import type { Sampler } from "./sampler";
import { TpeSampler } from "./tpe-sampler";

export type { Sampler, SampleContext } from "./sampler";
export { TpeSampler } from "./tpe-sampler";
export { RandomSampler } from "./random-sampler";
export { GridSampler, gridPoints, gridValues, MAX_GRID_POINTS } from "./grid-sampler";
export { QmcSampler } from "./qmc-sampler";
export { Sobol } from "./sobol";

/** Each sampler's settings, with their defaults; a request gives the name alone or `{name, ...settings}`. */
export const SAMPLER_SETTINGS = {
  tpe: z.strictObject({}),
  random: z.strictObject({}),
  grid: z.strictObject({
    n_points: z.number().int().min(2).max(100).default(5).meta({ description: "Values of a float without `step` (evenly spaced; geometric on a log scale)." }),
  }),
  qmc: z.strictObject({
    scramble: z.boolean().default(false).meta({ description: "Scramble the Sobol' points with the study's seed (Optuna's default: false)." }),
  }),
} as const;

/** The names of the samplers, as `POST /optimize` spells them. */
export type SamplerName = keyof typeof SAMPLER_SETTINGS;
export const SAMPLER_NAMES = Object.keys(SAMPLER_SETTINGS) as SamplerName[];

const BUILD: { [K in SamplerName]: (s: z.output<(typeof SAMPLER_SETTINGS)[K]>) => Sampler } = {
  tpe: () => new TpeSampler(),
  random: () => new RandomSampler(),
  grid: (s) => new GridSampler(s.n_points),
  qmc: (s) => new QmcSampler(s.scramble),
};

/** A validated sampler choice: its name and complete settings. */
export type SamplerConfig = { [K in SamplerName]: { name: K } & z.output<(typeof SAMPLER_SETTINGS)[K]> }[SamplerName];

/** `sampler` in a request: a name, or `{name, ...settings}`; normalised to `{name, ...settings with defaults}`. */
export const samplerConfigSchema = settingsUnion(SAMPLER_SETTINGS) as unknown as z.ZodType<SamplerConfig, unknown>;

/** The sampler a validated config names. */
export function makeSampler(config: SamplerConfig): Sampler {
  const { name, ...settings } = config;
  return (BUILD[name] as (s: unknown) => Sampler)(settings);
}

/**
 * A schema accepting `"name"` or `{name, ...settings}` for each entry of `registry`, giving
 * `{name, ...settings with defaults}`. Unknown names and bad settings fail with zod's path.
 */
export function settingsUnion(registry: Record<string, z.ZodObject>): z.ZodType {
  const names = Object.keys(registry) as [string, ...string[]];
  const objects = names.map((name) => (registry[name] as z.ZodObject).extend({ name: z.literal(name) }));
  const byName = z.enum(names).transform((name) => ({ name, ...(registry[name] as z.ZodObject).parse({}) }));
  return z.union([byName, z.discriminatedUnion("name", objects as unknown as [z.ZodObject, ...z.ZodObject[]])]);
}
