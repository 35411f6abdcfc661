// HTTPMatchRequest rules of a VirtualService route (virtualservice.go: validateHTTPRouteMatchRequest).
import type { HTTPMatchRequest } from '../istio/virtual-service.js';
import { at, atKey, type Collector } from './collector.js';
import { checkGatewayNames } from './destination.js';
import { isJwtClaimRoute, matchHeaderNameError } from './headers.js';
import { isDns1123Label } from './hostname.js';
import { checkLabels, portError } from './primitives.js';
import { checkStringMatch } from './regex.js';

/**
 * Reports Istio's rules for the `match` entries of an HTTP route: first the header, uri, scheme,
 * method, authority and query parameter matches of every entry, then (as Istio, in a second pass)
 * their port, source labels, gateways and source namespace.
 */
export function checkHttpMatches(c: Collector, field: string, matches: readonly HTTPMatchRequest[] | undefined): void {
  (matches ?? []).forEach((m, i) => {
    const f = at(field, i);
    for (const [name, sm] of Object.entries(m.headers ?? {})) {
      const hf = atKey(at(f, 'headers'), name);
      const err = matchHeaderNameError(name);
      if (err) c.error(hf, err);
      checkStringMatch(c, hf, sm, 'headers');
    }
    for (const [name, sm] of Object.entries(m.withoutHeaders ?? {})) {
      const hf = atKey(at(f, 'withoutHeaders'), name);
      const err = matchHeaderNameError(name);
      if (err) c.error(hf, err);
      // `regex: "*"` is not an RE2 regex: Istio turns it into a present match ("header absent").
      if (sm.regex !== '*') checkStringMatch(c, hf, sm, 'withoutHeaders');
    }
    checkStringMatch(c, at(f, 'uri'), m.uri, 'uri', true);
    checkStringMatch(c, at(f, 'scheme'), m.scheme, 'scheme');
    checkStringMatch(c, at(f, 'method'), m.method, 'method');
    checkStringMatch(c, at(f, 'authority'), m.authority, 'authority');
    for (const [name, sm] of Object.entries(m.queryParams ?? {})) checkStringMatch(c, atKey(at(f, 'queryParams'), name), sm, 'queryParams');
  });
  (matches ?? []).forEach((m, i) => {
    const f = at(field, i);
    checkMatchSource(c, f, m);
    if (m.sourceNamespace && !isDns1123Label(m.sourceNamespace)) c.error(at(f, 'sourceNamespace'), `sourceNamespace match ${m.sourceNamespace} is invalid`);
  });
}

/** The match fields HTTP, TCP and TLS matches share: port, sourceLabels, gateways (Istio does not check a TCP or TLS sourceNamespace). */
export function checkMatchSource(c: Collector, f: string, m: { port?: number | undefined; sourceLabels?: Record<string, string> | undefined; gateways?: string[] | undefined }): void {
  if (m.port !== undefined && m.port !== 0) {
    const err = portError(m.port);
    if (err) c.error(at(f, 'port'), err);
  }
  checkLabels(c, at(f, 'sourceLabels'), m.sourceLabels);
  checkGatewayNames(c, at(f, 'gateways'), m.gateways);
}

/** Returns the header names (headers and withoutHeaders) of every match that route on JWT claims. */
export function jwtClaimHeaders(matches: readonly HTTPMatchRequest[] | undefined): string[] {
  const out: string[] = [];
  for (const m of matches ?? []) {
    for (const name of [...Object.keys(m.headers ?? {}), ...Object.keys(m.withoutHeaders ?? {})]) if (isJwtClaimRoute(name)) out.push(name);
  }
  return out;
}
