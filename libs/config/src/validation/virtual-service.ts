// VirtualService rules (Istio's ValidateVirtualService and validateHTTPRoute).
import type { VirtualServiceConfig } from '../kinds.js';
import type { HTTPRoute, TCPRoute, TLSRoute, RouteDestination, HTTPRouteDestination, VirtualService } from '../istio/virtual-service.js';
import { at, type Collector } from './collector.js';
import { checkDestination, checkGatewayNames, checkWeights } from './destination.js';
import { checkHeaderOperations } from './headers.js';
import { hostSubsetOf, ipSubnetError, isDns1123Label, isIPAddress, wildcardDomainError } from './hostname.js';
import { checkHttpMatches, checkMatchSource, jwtClaimHeaders } from './http-match.js';
import {
  checkAuthorityRewrite, checkCors, checkDirectResponse, checkFault, checkMirrors, checkRedirect, checkRetries, checkRewrite,
} from './http-policies.js';
import { checkDuration, checkExportTo } from './primitives.js';
import { overlappingHostPairs } from './host-overlaps.js';

/** Reports every Istio rule for a VirtualService. */
export function checkVirtualService(c: Collector, vs: VirtualServiceConfig): void {
  const spec = vs.spec;
  const hosts = spec.hosts ?? [];
  const gateways = spec.gateways ?? [];
  const delegate = hosts.length === 0;
  if (delegate) {
    if (gateways.length > 0) c.error('spec.gateways', 'delegate virtual service must have no gateways specified');
    if ((spec.tls ?? []).length > 0) c.error('spec.tls', 'delegate virtual service must have no tls route specified');
    if ((spec.tcp ?? []).length > 0) c.error('spec.tcp', 'delegate virtual service must have no tcp route specified');
  }
  checkGatewayNames(c, 'spec.gateways', gateways);
  const appliesToGateway = gateways.some((g) => g !== 'mesh');
  const appliesToMesh = gateways.length === 0 || gateways.includes('mesh');
  if (!appliesToGateway) {
    (spec.http ?? []).forEach((h, i) => {
      for (const key of jwtClaimHeaders(h.match)) {
        c.error(at(at('spec.http', i), 'match'), `JWT claim based routing (key: ${key}) is only supported for gateway, found no gateways: [${gateways.join(' ')}]`);
      }
    });
  }
  let allHostsValid = true;
  hosts.forEach((h, i) => {
    const err = wildcardDomainError(h, appliesToGateway);
    if (err && !isIPAddress(h)) {
      c.error(at('spec.hosts', i), err);
      allHostsValid = false;
    } else if (appliesToMesh && h === '*') {
      c.error(at('spec.hosts', i), 'wildcard host * is not allowed for virtual services bound to the mesh gateway');
      allHostsValid = false;
    }
  });
  if (allHostsValid) {
    const overlaps = overlappingHostPairs(hosts);
    for (const [i, j] of overlaps.pairs) c.error('spec.hosts', `duplicate hosts in virtual service: ${hosts[i]} & ${hosts[j]}`);
    if (overlaps.more) c.error('spec.hosts', `more duplicate hosts in virtual service: only the first ${overlaps.pairs.length} pairs are listed`);
  }
  if ((spec.http ?? []).length === 0 && (spec.tcp ?? []).length === 0 && (spec.tls ?? []).length === 0) {
    c.error('spec', 'http, tcp or tls must be provided in virtual service');
  }
  (spec.http ?? []).forEach((h, i) => checkHttpRoute(c, at('spec.http', i), h, delegate));
  (spec.tls ?? []).forEach((t, i) => checkTlsRoute(c, at('spec.tls', i), t, spec, appliesToGateway));
  (spec.tcp ?? []).forEach((t, i) => checkTcpRoute(c, at('spec.tcp', i), t));
  checkExportTo(c, 'spec.exportTo', vs.metadata.namespace, spec.exportTo);
  warnUnusedRules(c, spec.http ?? []);
}

/** Reports Istio's rules for one HTTP route (a root route with `delegate`, a route of a delegate VirtualService, or a plain one). */
export function checkHttpRoute(c: Collector, field: string, h: HTTPRoute, inDelegate: boolean): void {
  if (!inDelegate && h.delegate) {
    const name = h.name ?? '';
    if ((h.route ?? []).length > 0) c.error(field, `root HTTP route ${name} must not specify route`);
    if (h.redirect) c.error(field, `root HTTP route ${name} must not specify redirect`);
    if (!h.delegate.name) c.error(at(field, 'delegate'), 'delegate name cannot be empty');
    if (h.delegate.namespace && !isDns1123Label(h.delegate.namespace)) c.error(at(field, 'delegate'), `delegate namespace ${JSON.stringify(h.delegate.namespace)} is invalid`);
    checkHttpMatches(c, at(field, 'match'), h.match);
    return;
  }
  if (inDelegate && h.delegate) c.error(at(field, 'delegate'), 'delegate HTTP route cannot contain delegate');
  checkConflicts(c, field, h);
  checkHttpMatches(c, at(field, 'match'), h.match);
  checkHeaderOperations(c, at(field, 'headers'), h.headers);
  checkCors(c, at(field, 'corsPolicy'), h.corsPolicy);
  checkFault(c, at(field, 'fault'), h.fault);
  checkMirrors(c, field, h);
  checkRedirect(c, at(field, 'redirect'), h.redirect, h);
  checkDirectResponse(c, at(field, 'directResponse'), h.directResponse);
  checkRetries(c, at(field, 'retries'), h.retries);
  checkRewrite(c, at(field, 'rewrite'), h.rewrite);
  checkAuthorityRewrite(c, field, h);
  checkHttpDestinations(c, at(field, 'route'), h.route ?? []);
  checkDuration(c, at(field, 'timeout'), h.timeout);
}

function checkConflicts(c: Collector, field: string, h: HTTPRoute): void {
  const routes = (h.route ?? []).length > 0;
  if (h.redirect) {
    if (routes) c.error(field, 'HTTP route cannot contain both route and redirect');
    if (h.fault) c.error(field, 'HTTP route cannot contain both fault and redirect');
    if (h.rewrite) c.error(field, 'HTTP route rule cannot contain both rewrite and redirect');
    if (h.directResponse) c.error(field, 'HTTP route cannot contain both direct_response and redirect');
  } else if (!routes && !h.directResponse) {
    c.error(field, 'HTTP route, redirect or direct_response is required');
  }
  if (h.directResponse && routes) c.error(field, 'HTTP route cannot contain both route and direct_response');
  if (h.mirror && (h.mirrors ?? []).length > 0) c.error(field, 'HTTP route cannot contain both mirror and mirrors');
}

function checkHttpDestinations(c: Collector, field: string, routes: readonly HTTPRouteDestination[]): void {
  routes.forEach((r, i) => {
    const f = at(field, i);
    checkHeaderOperations(c, at(f, 'headers'), r.headers);
    checkDestination(c, at(f, 'destination'), r.destination);
  });
  checkWeights(c, field, routes);
}

function checkRouteDestinations(c: Collector, field: string, routes: readonly RouteDestination[]): void {
  routes.forEach((r, i) => checkDestination(c, at(at(field, i), 'destination'), r.destination));
  checkWeights(c, field, routes);
}

interface L4Match {
  destinationSubnets?: string[] | undefined;
  port?: number | undefined;
  sourceLabels?: Record<string, string> | undefined;
  gateways?: string[] | undefined;
  sourceNamespace?: string | undefined;
}

function checkL4Match(c: Collector, f: string, m: L4Match): void {
  (m.destinationSubnets ?? []).forEach((s, j) => {
    const err = ipSubnetError(s);
    if (err) c.error(at(at(f, 'destinationSubnets'), j), err);
  });
  checkMatchSource(c, f, m);
}

function checkTcpRoute(c: Collector, field: string, t: TCPRoute): void {
  (t.match ?? []).forEach((m, i) => checkL4Match(c, at(at(field, 'match'), i), m));
  if ((t.route ?? []).length === 0) c.error(field, 'TCP route is required');
  checkRouteDestinations(c, at(field, 'route'), t.route ?? []);
}

function checkTlsRoute(c: Collector, field: string, t: TLSRoute, vs: VirtualService, appliesToGateway: boolean): void {
  if ((t.match ?? []).length === 0) c.error(field, 'TLS route must have at least one match condition');
  (t.match ?? []).forEach((m, i) => {
    const f = at(at(field, 'match'), i);
    if ((m.sniHosts ?? []).length === 0) c.error(f, 'TLS match must have at least one SNI host');
    (m.sniHosts ?? []).forEach((sni, j) => checkSniHost(c, at(at(f, 'sniHosts'), j), sni, vs.hosts ?? [], appliesToGateway));
    checkL4Match(c, f, m);
  });
  if ((t.route ?? []).length === 0) c.error(field, 'TLS route is required');
  checkRouteDestinations(c, at(field, 'route'), t.route ?? []);
}

function checkSniHost(c: Collector, field: string, sni: string, hosts: readonly string[], appliesToGateway: boolean): void {
  const err = wildcardDomainError(sni, appliesToGateway);
  if (err) {
    if (isIPAddress(sni)) c.warn(field, `using an IP address (${JSON.stringify(sni)}) goes against SNI spec and most clients do not support this`);
    else c.error(field, err);
    return;
  }
  if (!hosts.some((h) => hostSubsetOf(sni, h))) {
    c.error(field, `SNI host ${JSON.stringify(sni)} is not a compatible subset of any of the virtual service hosts: [${hosts.join(', ')}]`);
  }
}

/** Warns about HTTP rules after one without matches: they can never be used. */
function warnUnusedRules(c: Collector, routes: readonly HTTPRoute[]): void {
  const catchAll = routes.findIndex((r) => (r.match ?? []).length === 0);
  for (let i = catchAll + 1; catchAll >= 0 && i < routes.length; i++) {
    const name = routes[i]!.name ? ` (${routes[i]!.name})` : '';
    c.warn(at('spec.http', i), `virtualService rule #${i}${name} not used (only the last rule can have no matches)`);
  }
}
