import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** An error answer of the API server (or a transport error, without `statusCode`). */
export interface KubeApiError extends Error {
  /** HTTP status, e.g. 404 or 410; absent when the server could not be reached. */
  readonly statusCode?: number;
}

/** GETs a path of the API server and resolves with the decoded JSON body. */
export type KubeGet = (path: string, query?: Readonly<Record<string, string | undefined>>) => Promise<unknown>;

const TIMEOUT_MS = 30_000;

/**
 * Creates a GET for the API server of `kc`'s current context, authenticated exactly as client-node's
 * own clients are (`applyToHTTPSOptions`: client certs, tokens, exec and auth providers, CA). It
 * returns the raw JSON, so listed objects have the same shape as the objects of watch events
 * (client-node's typed clients would turn them into model classes with Date fields). Non-2xx answers
 * reject with a {@link KubeApiError} carrying the status and the Status message.
 */
export function createKubeGet(kc: KubeConfig): KubeGet {
  return async (path, query = {}) => {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const url = new URL(cluster.server.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    const opts: https.RequestOptions = { method: 'GET', headers: { accept: 'application/json' }, timeout: TIMEOUT_MS };
    await kc.applyToHTTPSOptions(opts);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<unknown>((resolve, reject) => {
      const req = transport.request(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          if (code >= 200 && code < 300 && body !== undefined) return resolve(body);
          const message = (body as { message?: string } | undefined)?.message ?? (text.slice(0, 200) || http.STATUS_CODES[code] || 'no body');
          reject(Object.assign(new Error(`GET ${url.pathname}: HTTP ${code}: ${message}`), { statusCode: code }) as KubeApiError);
        });
      });
      req.on('timeout', () => req.destroy(new Error(`GET ${url.pathname}: no answer within ${TIMEOUT_MS / 1000} s`)));
      req.on('error', reject);
      req.end();
    });
  };
}

/** The HTTP status of an error from the API server or client-node (`statusCode`, or `code` of a Status). */
export function statusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: unknown; code?: unknown } | undefined;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  return typeof e?.code === 'number' ? e.code : undefined;
}

/** A one-line description of an error for logs and /ready. */
export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error && !error.message.includes(cause.message) ? `: ${cause.message}` : '';
    return `${error.message}${detail}`;
  }
  return String(error);
}
