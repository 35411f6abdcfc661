/**
 * The logging surface the config sources need: a subset of pino's `Logger`, so a pino logger (or a
 * child of one) can be passed as is. Structured fields go first, the message second.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const discard = (): void => {};

/** A logger that drops everything; the default when no logger is given. */
export const silentLogger: Logger = Object.freeze({ debug: discard, info: discard, warn: discard, error: discard });
