import pino, { type Logger } from "pino";

/** The one pino factory: JSON logs with the service name and a fixed message per event. */
export function createLogger(name: string, level: string): Logger {
  return pino({ name, level, base: { service: name, pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}

export type { Logger };
