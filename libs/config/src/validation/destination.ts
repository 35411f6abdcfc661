// Route destinations (HTTP, TCP and TLS), subsets and gateway references of a VirtualService.
import type { Destination, Headers } from '../istio/common.js';
import { at, type Collector } from './collector.js';
import { checkHeaderOperations } from './headers.js';
import { fqdnError, isDns1123Label, wildcardDomainError } from './hostname.js';
import { portError } from './primitives.js';

/** Returns Istio's error for a subset name (a non-empty DNS-1123 label), or undefined. */
export function subsetNameError(name: string): string | undefined {
  if (name === '') return 'subset name cannot be empty';
  return isDns1123Label(name) ? undefined : `subset name is invalid: ${name}`;
}

/** Reports Istio's rules for a destination: a service host (not `*`), a valid subset name and port. */
export function checkDestination(c: Collector, field: string, d: Destination | undefined): void {
  if (!d) return;
  const hostErr = d.host === '*' ? `invalid destination host ${d.host}` : wildcardDomainError(d.host);
  if (hostErr) c.error(at(field, 'host'), hostErr);
  if (d.subset !== undefined && d.subset !== '') {
    const err = subsetNameError(d.subset);
    if (err) c.error(at(field, 'subset'), err);
  }
  if (d.port !== undefined) {
    const err = portError(d.port.number ?? 0);
    if (err) c.error(at(field, 'port'), err);
  }
}

/**
 * Reports Istio's rules for a list of weighted destinations (validateHTTPRouteDestinations,
 * validateRouteDestinations), each in Istio's order: header operations (HTTP only), the destination,
 * the weight (not negative); then the total (not all zero when there are several).
 */
export function checkRouteDestinations(c: Collector, field: string, routes: readonly { destination?: Destination | undefined; weight?: number | undefined; headers?: Headers | undefined }[]): void {
  let total = 0;
  routes.forEach((r, i) => {
    const f = at(field, i);
    checkHeaderOperations(c, at(f, 'headers'), r.headers);
    checkDestination(c, at(f, 'destination'), r.destination);
    const w = r.weight ?? 0;
    if (w < 0) c.error(at(f, 'weight'), `weight ${w} < 0`);
    total += w;
  });
  if (routes.length > 1 && total === 0) c.error(field, 'total destination weight = 0');
}

/**
 * Reports Istio's rules for gateway references (validateGatewayNames): `ns/name` with DNS-label parts,
 * or a name (a dotted `name.ns` is the legacy form and only warned about). As Istio, the check stops
 * at the first reference without a `/`: the references after it are not checked.
 */
export function checkGatewayNames(c: Collector, field: string, names: readonly string[] | undefined): void {
  for (const [i, g] of (names ?? []).entries()) {
    const f = at(field, i);
    const slash = g.indexOf('/');
    if (slash < 0) {
      if (g.includes('.')) {
        const [name = '', ns = ''] = g.split('.');
        c.warn(f, `using legacy gatewayName format ${JSON.stringify(g)}; prefer the <namespace>/<name> format: ${JSON.stringify(`${ns}/${name}`)}`);
      }
      const err = fqdnError(g);
      if (err) c.error(f, err);
      return;
    }
    const ns = g.slice(0, slash);
    const name = g.slice(slash + 1);
    if (ns === '' || name === '') c.error(f, 'config namespace and gateway name cannot be empty');
    if (!isDns1123Label(ns)) c.error(f, `invalid value for namespace: ${JSON.stringify(ns)}`);
    if (!isDns1123Label(name)) c.error(f, `invalid value for gateway name: ${JSON.stringify(name)}`);
  }
}
