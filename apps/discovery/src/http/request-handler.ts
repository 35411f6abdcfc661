import { createHash, timingSafeEqual } from 'node:crypto';
import type * as http from 'node:http';
import { HttpError } from './http-error.js';
import { writeJsonStream } from './json-stream.js';
import { paginate, parsePage } from './paginate.js';

/** A handler returns a JSON-able body (200), or `{status, body}`. */
export type Handler = (url: URL) => Promise<unknown> | unknown;
export interface HandlerResult { readonly status: number; readonly body: unknown; readonly contentType?: string }

/** Where the HTTP layer logs handler failures (pino's logger fits). */
export interface HttpLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Options of {@link createRequestHandler}. */
export interface RequestHandlerOptions {
  /** When set, `/debug/*` and `/` answer 401 unless the request carries `Authorization: Bearer <token>`. */
  readonly token?: string;
  readonly logger?: HttpLogger;
}

/** Longest request target looked at; longer ones get 414 (Node already caps headers at 16 KiB). */
const MAX_TARGET = 4096;

/** True for the paths the optional bearer token protects: the debug endpoints and the web page. */
export function isDebugPath(pathname: string): boolean {
  return pathname === '/' || pathname === '/debug' || pathname.startsWith('/debug/');
}

/**
 * Parses a request target defensively: only origin-form targets (`/path?query`) are accepted, so
 * `//`, `//[`, `//:99999` and friends are plain (unknown) paths, never a crash. Returns undefined
 * for a target that is not a path.
 */
export function parseTarget(target: string | undefined): URL | undefined {
  if (!target || !target.startsWith('/') || target.length > MAX_TARGET) return undefined;
  try {
    return new URL(`http://localhost${target}`);
  } catch {
    return undefined;
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function authorized(req: http.IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
  return timingSafeEqual(digest(given), digest(token));
}

function isResult(v: unknown): v is HandlerResult {
  return typeof v === 'object' && v !== null && 'status' in v && 'body' in v && Object.keys(v).every((k) => ['status', 'body', 'contentType'].includes(k));
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}

/**
 * Returns the request listener of the monitoring and debug servers: a fixed route table of small
 * handlers. Bad targets answer 400, unknown paths 404, a thrown {@link HttpError} its status, and any
 * other exception is logged and answers 500, so no request can end the process. JSON bodies are
 * streamed piece by piece (and paginated with `?limit=&offset=`); if a failure happens after the
 * headers went out, the connection is destroyed instead of writing a second header.
 */
export function createRequestHandler(routes: ReadonlyMap<string, Handler>, options: RequestHandlerOptions = {}): http.RequestListener {
  const log = options.logger;
  return (req, res) => {
    const url = parseTarget(req.url);
    if (!url) {
      sendJson(res, req.url && req.url.length > MAX_TARGET ? 414 : 400, { error: 'bad request target: expected /path?query' });
      return;
    }
    if (options.token !== undefined && isDebugPath(url.pathname) && !authorized(req, options.token)) {
      res.setHeader('www-authenticate', 'Bearer');
      sendJson(res, 401, { error: 'this endpoint needs Authorization: Bearer <token> (--debug-token)' });
      return;
    }
    const handler = routes.get(url.pathname);
    if (!handler) {
      sendJson(res, 404, { error: `no such endpoint ${JSON.stringify(url.pathname.slice(0, 200))}; see /debug/list` });
      return;
    }
    void serve(handler, url, req, res).catch((err: unknown) => {
      if (res.headersSent) {
        log?.warn({ scope: 'http', path: url.pathname, err }, 'debug response failed after its headers were sent; connection closed');
        res.destroy();
        return;
      }
      if (err instanceof HttpError) {
        sendJson(res, err.status, { error: err.message });
        return;
      }
      log?.error({ scope: 'http', path: url.pathname, err }, 'HTTP handler failed');
      sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) });
    });
  };
}

async function serve(handler: Handler, url: URL, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const page = parsePage(url.searchParams);
  const out: unknown = await handler(url);
  const r = isResult(out) ? out : { status: 200, body: out };
  const type = r.contentType ?? 'application/json';
  if (type !== 'application/json') {
    const text = String(r.body);
    res.writeHead(r.status, { 'content-type': type });
    res.end(req.method === 'HEAD' ? undefined : text);
    return;
  }
  const body = paginate(r.body, page);
  if (req.method === 'HEAD') {
    res.writeHead(r.status, { 'content-type': type }).end();
    return;
  }
  await writeJsonStream(res, body, () => res.writeHead(r.status, { 'content-type': type }));
  res.end();
}
