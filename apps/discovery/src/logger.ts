import { format } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import pretty from 'pino-pretty';

/** The server's logger: pino with a `scope` field per subsystem (ads, config, push, mesh, grpc). */
export type AppLogger = pino.Logger;

/** `json`: one JSON object per line (istiod's `--log_as_json`); `text`: one human-readable line per event. */
export type LogFormat = 'json' | 'text';

/** The levels `--log-level` and `/debug/loglevel` accept. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Default `json`. */
  readonly format?: LogFormat;
  /** Where lines go; default stderr (fd 2), as istiod logs. Tests pass a stream to read them. */
  readonly destination?: NodeJS.WritableStream;
}

/** Every logger created from a root with `child()`, so a level change reaches them all. */
const familyOf = new WeakMap<pino.Logger, Set<WeakRef<pino.Logger>>>();

/**
 * Creates the root logger at `level`. Children made with `child()` (at any depth) follow
 * {@link setLogLevel} on the root. Text lines look like
 * `[2026-12-03 10:00:00.000] INFO (config): config loaded: VirtualService/default/reviews {"objects":12}`.
 */
export function createLogger(level: LogLevel | string, options: LoggerOptions = {}): AppLogger {
  const family = new Set<WeakRef<pino.Logger>>();
  const text = options.format === 'text';
  const destination = text
    ? pretty({ destination: options.destination ?? 2, sync: true, singleLine: true, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l', ignore: 'scope', messageFormat: '{if scope}({scope}) {end}{msg}', colorize: false })
    : options.destination ?? pino.destination(2);
  const root = pino({
    level,
    base: null,
    timestamp: pino.stdTimeFunctions.isoTime,
    // pino-pretty reads the numeric level; the JSON stream shows the label, as istiod's logs do.
    ...(text ? {} : { formatters: { level: (label: string) => ({ level: label }) } }),
    onChild: (child) => { family.add(new WeakRef(child)); },
  }, destination);
  familyOf.set(root, family);
  return root;
}

/**
 * Changes the level of a root logger from {@link createLogger} and of every child made from it
 * (pino children otherwise keep the level they were created with). Returns the previous level.
 */
export function setLogLevel(root: AppLogger, level: LogLevel): string {
  const previous = root.level;
  root.level = level;
  for (const ref of familyOf.get(root) ?? []) {
    const child = ref.deref();
    if (child) child.level = level;
    else familyOf.get(root)!.delete(ref);
  }
  return previous;
}

/**
 * Sends grpc-js's own log lines (its errors, and GRPC_TRACE output) through `logger` with
 * `scope: "grpc"` at grpc-js's severity, instead of plain text on stderr, so the stream stays one
 * JSON object (or one text line) per event.
 */
export function routeGrpcLogs(logger: AppLogger): void {
  const log = logger.child({ scope: 'grpc' });
  grpc.setLogger({
    error: (...args: unknown[]) => log.error(format(...args)),
    info: (...args: unknown[]) => log.info(format(...args)),
    debug: (...args: unknown[]) => log.debug(format(...args)),
  });
}
