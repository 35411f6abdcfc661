// HTTPMatchRequest rules of a VirtualService route.
import type { HTTPMatchRequest } from '../istio/virtual-service.js';
import { at, atKey, type Collector } from './collector.js';
import { checkGatewayNames } from './destination.js';
import { headerNameError } from './headers.js';
import { isDns1123Label } from './hostname.js';
import { checkLabels, portError } from './primitives.js';
import { checkStringMatch } from './regex.js';

/** Header names of the form `@request.auth.claims.NAME` route on JWT claims (gateways only). */
export const JWT_CLAIM_PREFIX = '@request.auth.claims';

function checkMatchHeaderName(c: Collector, field: string, name: string): void {
  if (name.startsWith(JWT_CLAIM_PREFIX)) {
    if (!/^@request\.auth\.claims(\.[^.]+|\[[^\]]+\])+$/.test(name)) c.error(field, `invalid JWT claim header ${JSON.stringify(name)}`);
    return;
  }
  // Pseudo-headers (`:path`...) may be matched; the rest of the name must be an HTTP token.
  const err = headerNameError(name.startsWith(':') ? name.slice(1) : name);
  if (err) c.error(field, name === '' ? err : `header name ${name} is not a valid header name`);
}

/** Reports Istio's rules for the `match` entries of an HTTP route. */
export function checkHttpMatches(c: Collector, field: string, matches: readonly HTTPMatchRequest[] | undefined): void {
  (matches ?? []).forEach((m, i) => {
    const f = at(field, i);
    for (const [kind, where] of [['headers', 'headers'], ['withoutHeaders', 'withoutHeaders']] as const) {
      for (const [name, sm] of Object.entries(m[kind] ?? {})) {
        const hf = atKey(at(f, kind), name);
        checkMatchHeaderName(c, hf, name);
        checkStringMatch(c, hf, sm, where, kind === 'withoutHeaders');
      }
    }
    checkStringMatch(c, at(f, 'uri'), m.uri, 'uri', true);
    checkStringMatch(c, at(f, 'scheme'), m.scheme, 'scheme');
    checkStringMatch(c, at(f, 'method'), m.method, 'method');
    checkStringMatch(c, at(f, 'authority'), m.authority, 'authority');
    for (const [name, sm] of Object.entries(m.queryParams ?? {})) checkStringMatch(c, atKey(at(f, 'queryParams'), name), sm, 'queryParams');
    checkMatchSource(c, f, m);
  });
}

/** The match fields HTTP, TCP and TLS matches share: port, sourceLabels, gateways, sourceNamespace. */
export function checkMatchSource(c: Collector, f: string, m: { port?: number | undefined; sourceLabels?: Record<string, string> | undefined; gateways?: string[] | undefined; sourceNamespace?: string | undefined }): void {
  if (m.port !== undefined && m.port !== 0) {
    const err = portError(m.port);
    if (err) c.error(at(f, 'port'), err);
  }
  checkLabels(c, at(f, 'sourceLabels'), m.sourceLabels);
  checkGatewayNames(c, at(f, 'gateways'), m.gateways);
  if (m.sourceNamespace && !isDns1123Label(m.sourceNamespace)) c.error(at(f, 'sourceNamespace'), `sourceNamespace match ${m.sourceNamespace} is invalid`);
}

/** Returns the header names of every match that route on JWT claims. */
export function jwtClaimHeaders(matches: readonly HTTPMatchRequest[] | undefined): string[] {
  const out: string[] = [];
  for (const m of matches ?? []) {
    for (const name of [...Object.keys(m.headers ?? {}), ...Object.keys(m.withoutHeaders ?? {})]) if (name.startsWith(JWT_CLAIM_PREFIX)) out.push(name);
  }
  return out;
}
