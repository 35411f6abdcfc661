// VirtualService rules (validation.go: ValidateVirtualService, validateTLSRoute, validateTCPRoute, the unreachable-rule
// analysis; virtualservice.go: validateHTTPRoute and validateHTTPRouteConflict).
import type { VirtualServiceConfig } from '../kinds.js';
import type { HTTPRoute, TCPRoute, TLSRoute, VirtualService } from '../istio/virtual-service.js';
import { at, type Collector } from './collector.js';
import { checkGatewayNames, checkRouteDestinations } from './destination.js';
import { checkHeaderOperations } from './headers.js';
import { gatewayBoundHostError, hostSubsetOf, ipSubnetError, isIPAddress, wildcardDomainError } from './hostname.js';
import { checkHttpMatches, checkMatchSource, jwtClaimHeaders } from './http-match.js';
import {
  checkAuthorityRewrite, checkCors, checkDirectResponse, checkFault, checkMirrors, checkRedirect, checkRetries, checkRewrite,
} from './http-policies.js';
import { checkDuration, checkExportTo } from './primitives.js';
import { warnUnreachableRules } from './unreachable-rules.js';
import { overlappingHostPairs } from './host-overlaps.js';

/** Istio's isGateway: a VirtualService without the `mesh` gateway in `spec.gateways` (also true when the list is empty). */
function isGatewayOnly(vs: VirtualService): boolean {
  return !(vs.gateways ?? []).includes('mesh');
}

/** Istio's isSniHost: some TLS match lists SNI hosts. */
function hasSniHosts(vs: VirtualService): boolean {
  return (vs.tls ?? []).some((t) => (t.match ?? []).some((m) => (m.sniHosts ?? []).length > 0));
}

/** Reports every Istio rule for a VirtualService, in Istio's order. */
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
  // As Istio: with gateways listed, the VirtualService applies to gateways only when `mesh` is not among them.
  const appliesToGateway = gateways.length > 0 && isGatewayOnly(spec);
  const appliesToMesh = !appliesToGateway;
  if (gateways.length > 0) checkGatewayNames(c, 'spec.gateways', gateways);
  if (!appliesToGateway) {
    (spec.http ?? []).forEach((h, i) => {
      for (const key of jwtClaimHeaders(h.match)) {
        c.error(at(at('spec.http', i), 'match'), `JWT claim based routing (key: ${key}) is only supported for gateway, found no gateways: [${gateways.join(' ')}]`);
      }
    });
  }
  let allHostsValid = true;
  hosts.forEach((h, i) => {
    const err = appliesToGateway ? gatewayBoundHostError(hasSniHosts(spec), h) : wildcardDomainError(h);
    if (err) {
      if (!isIPAddress(h)) {
        c.error(at('spec.hosts', i), err);
        allHostsValid = false;
      }
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
  (spec.tls ?? []).forEach((t, i) => checkTlsRoute(c, at('spec.tls', i), t, spec));
  (spec.tcp ?? []).forEach((t, i) => checkTcpRoute(c, at('spec.tcp', i), t));
  checkExportTo(c, 'spec.exportTo', vs.metadata.namespace, spec.exportTo);
  warnUnreachableRules(c, 'spec.http', spec.http ?? [], true);
  warnUnreachableRules(c, 'spec.tcp', spec.tcp ?? [], false);
  warnUnreachableRules(c, 'spec.tls', spec.tls ?? [], false);
}

/**
 * Reports Istio's rules for one HTTP route: a root route (with `delegate`) must not set `route` or
 * `redirect`, a delegate VirtualService's route must not delegate again; then the same checks for
 * every route (matches, headers, CORS, fault, mirrors, redirect, direct response, retries, rewrite,
 * destinations, timeout).
 */
export function checkHttpRoute(c: Collector, field: string, h: HTTPRoute, inDelegate: boolean): void {
  if (!inDelegate && h.delegate) {
    const name = h.name ?? '';
    if (h.redirect) c.error(field, `root HTTP route ${name} must not specify redirect`);
    if ((h.route ?? []).length > 0) c.error(field, `root HTTP route ${name} must not specify route`);
  } else {
    if (inDelegate && h.delegate) c.error(at(field, 'delegate'), 'delegate HTTP route cannot contain delegate');
    checkConflicts(c, field, h);
  }
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
  checkRouteDestinations(c, at(field, 'route'), h.route ?? []);
  checkDuration(c, at(field, 'timeout'), h.timeout);
}

function checkConflicts(c: Collector, field: string, h: HTTPRoute): void {
  const routes = (h.route ?? []).length > 0;
  if (h.redirect) {
    if (routes) c.error(field, 'HTTP route cannot contain both route and redirect');
    if (h.fault) c.error(field, 'HTTP route cannot contain both fault and redirect');
    if (h.rewrite) c.error(field, 'HTTP route rule cannot contain both rewrite and redirect');
    if (h.directResponse) c.error(field, 'HTTP route rule cannot contain both direct_response and redirect');
  } else if (h.directResponse) {
    if (routes) c.error(field, 'HTTP route cannot contain both route and direct_response');
    if (h.fault) c.error(field, 'HTTP route cannot contain both fault and direct_response');
    if (h.rewrite) c.error(field, 'HTTP route rule cannot contain both rewrite and direct_response');
  } else if (!routes) {
    c.error(field, 'HTTP route, redirect or direct_response is required');
  }
  if (h.mirror && (h.mirrors ?? []).length > 0) c.error(field, 'HTTP route cannot contain both mirror and mirrors');
}

interface L4Match {
  destinationSubnets?: string[] | undefined;
  port?: number | undefined;
  sourceLabels?: Record<string, string> | undefined;
  gateways?: string[] | undefined;
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

function checkTlsRoute(c: Collector, field: string, t: TLSRoute, vs: VirtualService): void {
  if ((t.match ?? []).length === 0) c.error(field, 'TLS route must have at least one match condition');
  (t.match ?? []).forEach((m, i) => {
    const f = at(at(field, 'match'), i);
    if ((m.sniHosts ?? []).length === 0) c.error(f, 'TLS match must have at least one SNI host');
    (m.sniHosts ?? []).forEach((sni, j) => checkSniHost(c, at(at(f, 'sniHosts'), j), sni, vs));
    checkL4Match(c, f, m);
  });
  if ((t.route ?? []).length === 0) c.error(field, 'TLS route is required');
  checkRouteDestinations(c, at(field, 'route'), t.route ?? []);
}

function checkSniHost(c: Collector, field: string, sni: string, vs: VirtualService): void {
  // Istio checks SNI hosts with isGateway(vs), which is also true for a VirtualService with no gateways listed.
  const err = isGatewayOnly(vs) ? gatewayBoundHostError(true, sni) : wildcardDomainError(sni);
  if (err) {
    if (isIPAddress(sni)) c.warn(field, `using an IP address (${JSON.stringify(sni)}) goes against SNI spec and most clients do not support this`);
    else c.error(field, err);
    return;
  }
  const hosts = vs.hosts ?? [];
  if (!hosts.some((h) => hostSubsetOf(sni, h))) {
    c.error(field, `SNI host ${JSON.stringify(sni)} is not a compatible subset of any of the virtual service hosts: [${hosts.join(', ')}]`);
  }
}
