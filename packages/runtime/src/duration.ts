import { z } from "zod";

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The longest duration accepted: 366 days. */
export const MAX_DURATION_MS = 366 * UNIT_MS.d;

/**
 * A duration written as a whole number and a unit, `30s`, `15m`, `24h` or `7d`, parsed to
 * milliseconds: the one parser of windows and intervals (query strings and settings alike).
 * At least one second, at most 366 days.
 */
export const durationSchema = z
  .string()
  .regex(/^[1-9]\d{0,8}[smhd]$/, "a duration is a whole number and a unit: s, m, h or d (`15m`, `24h`, `7d`)")
  .transform((text) => Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1) as keyof typeof UNIT_MS])
  .pipe(z.number().max(MAX_DURATION_MS, "a duration must be at most 366 days"));
