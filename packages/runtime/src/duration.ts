import { z } from "zod";

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Longest duration accepted: 366 days. */
export const MAX_DURATION_MS = 366 * UNIT_MS.d;

/**
 * A duration written as a whole number and a unit: `30s`, `15m`, `24h`, `7d` (seconds, minutes,
 * hours, days), parsed to milliseconds. Used for report windows (`?window=`) and job intervals
 * (`DRIFT_CHECK_EVERY`). Zero and more than 366 days are refused.
 */
export const durationSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,5}[smhd]$/, "must be a duration such as 15m, 24h or 7d (a whole number and s, m, h or d)")
  .transform((text) => Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1) as keyof typeof UNIT_MS])
  .refine((ms) => ms <= MAX_DURATION_MS, "must be at most 366d");

/** Milliseconds written back in the largest unit that divides them (`86400000` -> `1d`). */
export function formatDuration(ms: number): string {
  for (const unit of ["d", "h", "m"] as const) if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  return `${Math.round(ms / 1000)}s`;
}
