import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A handler returns a JSON-able body (200), or `{status, body}`. */
export type Handler = (url: URL) => Promise<unknown> | unknown;
export interface HandlerResult { readonly status: number; readonly body: unknown; readonly contentType?: string }

/**
 * The monitoring/debug HTTP server (istiod's :15014): a fixed route table of small handlers.
 * Every `/debug/*` response is JSON; `/ready` is plain text; `/metrics` is Prometheus text.
 */
export async function startMonitoringServer(address: string, routes: ReadonlyMap<string, Handler>): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const handler = routes.get(url.pathname);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `no such endpoint ${url.pathname}; see /debug/list` }));
      return;
    }
    Promise.resolve()
      .then(() => handler(url))
      .then((out) => {
        const r = isResult(out) ? out : { status: 200, body: out };
        const type = r.contentType ?? 'application/json';
        res.writeHead(r.status, { 'content-type': type });
        res.end(type === 'application/json' ? JSON.stringify(r.body, null, 2) + '\n' : String(r.body));
      })
      .catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
      });
  });
  const { host, port } = splitAddress(address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

function isResult(v: unknown): v is HandlerResult {
  return typeof v === 'object' && v !== null && 'status' in v && 'body' in v && Object.keys(v).every((k) => ['status', 'body', 'contentType'].includes(k));
}

/** Splits `host:port` / `:port` / `[::1]:port`; an empty host listens on all addresses. */
export function splitAddress(address: string): { host: string | undefined; port: number } {
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(i + 1));
  if (i < 0 || !Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid address ${JSON.stringify(address)}: expected HOST:PORT or :PORT`);
  return { host: host || undefined, port };
}
