import pino from 'pino';

/** The server's logger: pino JSON lines with a `scope` field per subsystem (ads, config, push, mesh). */
export type AppLogger = pino.Logger;

/** Creates the logger; `level` is pino's (debug, info, warn, error). Logs go to stderr, as istiod's do. */
export function createLogger(level: string): AppLogger {
  return pino({ level, base: null, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } }, pino.destination(2));
}
