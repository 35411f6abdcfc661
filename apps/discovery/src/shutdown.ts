import type * as grpc from '@grpc/grpc-js';
import type { ConfigSource } from '@minipilot/config-sources';
import type { XdsServer } from '@minipilot/xds-server';
import type { HttpListener } from './http/monitoring-server.js';
import type { AppLogger } from './logger.js';

/** What a shutdown had to force: connections still open when the drain time ran out. */
export interface ShutdownReport {
  /** xDS streams that had not finished (e.g. a client that stopped reading, or ignored GOAWAY). */
  readonly forcedStreams: number;
  /** HTTP connections still open (e.g. a half-sent request). */
  readonly forcedHttp: number;
  /** How long the drain took (at most the drain duration). */
  readonly drainMs: number;
}

/** What {@link shutdown} stops. */
export interface ShutdownParts {
  readonly source: ConfigSource;
  readonly xds: XdsServer;
  readonly grpcServer: grpc.Server;
  readonly listeners: readonly HttpListener[];
  readonly drainMs: number;
  readonly log: AppLogger;
  setNotReady(): void;
}

/**
 * Drains and stops the server, as istiod does for `--shutdownDuration` (default 10 s): readiness off,
 * config source stopped, every xDS stream ended with UNAVAILABLE (clients reconnect elsewhere), gRPC
 * GOAWAY and HTTP listeners closed to new connections. Whatever is still open after `drainMs` (a
 * client that stopped reading, a half-sent HTTP request, an HTTP/2 client ignoring GOAWAY) is
 * destroyed, counted and logged. Never rejects.
 */
export async function shutdown(p: ShutdownParts): Promise<ShutdownReport> {
  const start = performance.now();
  p.setNotReady();
  try {
    await p.source.stop();
  } catch (err) {
    p.log.error({ err }, 'stopping the config source failed');
  }
  p.xds.closeAll();
  const graceful = Promise.all([
    new Promise<void>((resolve) => p.grpcServer.tryShutdown(() => resolve())),
    ...p.listeners.map((l) => l.drain()),
  ]);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), p.drainMs);
  });
  const outcome = await Promise.race([graceful.then(() => 'drained' as const), timedOut]);
  clearTimeout(timer);
  let forcedStreams = 0;
  let forcedHttp = 0;
  if (outcome === 'timeout') {
    forcedStreams = p.xds.unfinishedStreams();
    p.grpcServer.forceShutdown();
    for (const l of p.listeners) forcedHttp += l.forceClose();
  }
  const drainMs = Math.round(performance.now() - start);
  if (outcome === 'timeout') p.log.warn({ forcedStreams, forcedHttp, drainMs }, `drain time (${p.drainMs} ms) ran out: closed ${forcedStreams} xDS streams and ${forcedHttp} HTTP connections by force`);
  else p.log.info({ drainMs }, 'drained: every client went away');
  return { forcedStreams, forcedHttp, drainMs };
}
