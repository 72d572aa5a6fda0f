import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

/** How log lines are written: one JSON object per line (for machines), or pretty (for a person at a terminal). */
export type LogFormat = "json" | "pretty";

/**
 * The one pino factory: a fixed message per event with fields (`log.info({ jobId, ms }, "train
 * finished")`), the service name on every line. JSON by default; `pretty` writes coloured,
 * human-readable lines synchronously (`npm start` in a terminal picks it, see scripts/run.mjs).
 */
export function createLogger(name: string, level: string, format: LogFormat = "json"): Logger {
  const options = { name, level, base: { service: name, pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  if (format === "pretty") return pino(options, pretty({ sync: true, ignore: "pid,hostname,service", translateTime: "SYS:HH:MM:ss.l" }));
  return pino(options);
}

export type { Logger };
