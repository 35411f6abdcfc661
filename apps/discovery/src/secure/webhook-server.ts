import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ServingCertificate } from '@minipilot/ca';
import { injectPathOverrides, reviewInjection, type InjectionContext } from '@minipilot/injection';
import type { AppLogger } from '../logger.js';
import { reviewValidation } from './validation-review.js';

/** Options of {@link startWebhookServer}. */
export interface WebhookServerOptions {
  /** istiod --httpsAddr, e.g. `0.0.0.0:15017`. */
  readonly address: string;
  /** istiod's serving certificate; a re-issued one applies to new connections. */
  readonly serving: ServingCertificate;
  /** The injection context in force now (the injector ConfigMap may change at any time). */
  readonly injection: () => InjectionContext;
  readonly logger: AppLogger;
  /** Counts outcomes (sidecar_injection_*, galley_validation_*). */
  readonly onOutcome?: (webhook: 'inject' | 'validate', outcome: string) => void;
}

const MAX_BODY = 8 * 1024 * 1024;

/**
 * istiod's HTTPS webhook server (15017, exposed as the Service's 443): POST `/inject` (also
 * `/inject/<k>/<v>/...`, the path form istiod's remote clusters use) and `/validate`, each an
 * AdmissionReview v1 in and out as application/json. A malformed review answers 400 with the reason.
 */
export async function startWebhookServer(o: WebhookServerOptions): Promise<{ server: https.Server; port: number }> {
  const log = o.logger;
  const first = o.serving.current();
  const server = https.createServer({ cert: first.chainPem, key: first.keyPem }, (req, res) => {
    const path = new URL(req.url ?? '/', 'https://localhost').pathname;
    const webhook = path === '/inject' || path.startsWith('/inject/') ? 'inject' : path === '/validate' ? 'validate' : undefined;
    if (!webhook) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no webhook at ${path} (use /inject or /validate)\n`);
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'POST' }).end('webhooks accept POST only\n');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy(new Error('request body too large'));
      else chunks.push(c);
    });
    req.on('end', () => {
      try {
        const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (webhook === 'inject') {
          const ctx = o.injection();
          const overrides = injectPathOverrides(path);
          const r = reviewInjection(body, Object.keys(overrides).length === 0 ? ctx : { ...ctx, config: { ...ctx.config, values: { ...ctx.config.values, ...overrides } } });
          o.onOutcome?.('inject', r.outcome);
          log.info({ scope: 'inject', pod: r.pod, outcome: r.outcome, reason: r.reason }, `sidecar injection: ${r.outcome}`);
          return reply(res, 200, r.review);
        }
        const r = reviewValidation(body);
        o.onOutcome?.('validate', r.outcome);
        log.info({ scope: 'validation', object: r.object, outcome: r.outcome }, `validation: ${r.outcome}`);
        return reply(res, 200, r.review);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log.warn({ scope: webhook, err: message }, 'malformed admission review');
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`could not decode the admission review: ${message}\n`);
      }
    });
  });
  const unsubscribe = o.serving.onRotate((pem) => server.setSecureContext({ cert: pem.chainPem, key: pem.keyPem }));
  server.on('close', unsubscribe);
  const [host, portText] = splitAddress(o.address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(portText), host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}

function reply(res: import('node:http').ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** `host:port` (host may be empty or `[::]`). */
function splitAddress(address: string): [string | undefined, string] {
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i).replace(/^\[|\]$/g, '');
  return [host === '' ? undefined : host, address.slice(i + 1)];
}
