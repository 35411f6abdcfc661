import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createRequestHandler, type Handler, type RequestHandlerOptions } from './request-handler.js';

export type { Handler, HandlerResult } from './request-handler.js';

/** Timeouts of the monitoring and debug listeners: a slow or half-sent request cannot hold a socket for long. */
const REQUEST_TIMEOUT_MS = 30_000;
const HEADERS_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/** A started HTTP listener that can be drained, then closed. */
export interface HttpListener {
  readonly server: http.Server;
  readonly port: number;
  /** Stops accepting, closes idle keep-alive connections, and resolves once the last request is done. */
  drain(): Promise<void>;
  /** Destroys every connection still open; returns how many there were. */
  forceClose(): number;
}

/**
 * Starts an HTTP listener serving `routes` (istiod's :15014 monitoring port, or the separate debug
 * listener of `--debug-addr`). Every `/debug/*` response is JSON; `/ready` is plain text; `/metrics`
 * is Prometheus text. See {@link createRequestHandler} for how requests are parsed and failures answered.
 */
export async function startMonitoringServer(
  address: string,
  routes: ReadonlyMap<string, Handler>,
  options: RequestHandlerOptions = {},
): Promise<HttpListener> {
  const server = http.createServer(createRequestHandler(routes, options));
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  const { host, port } = splitAddress(address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closed: Promise<void> | undefined;
  const drain = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    return closed;
  };
  return {
    server,
    port: (server.address() as AddressInfo).port,
    drain,
    forceClose() {
      const open = sockets.size;
      void drain();
      for (const socket of sockets) socket.destroy();
      return open;
    },
  };
}

/** Splits `host:port` / `:port` / `[::1]:port`; an empty host listens on all addresses. */
export function splitAddress(address: string): { host: string | undefined; port: number } {
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(i + 1));
  if (i < 0 || !Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid address ${JSON.stringify(address)}: expected HOST:PORT or :PORT`);
  return { host: host || undefined, port };
}
