import { create } from '@bufbuild/protobuf';
import { routeV3, matcherV3 } from '@minipilot/envoy-api';
import type { HTTPRoute, HTTPMatchRequest, StringMatch } from '@minipilot/config';
import { clusterName, configMetadataPath } from '../names.js';
import { resolveHost } from '../model/host.js';
import { matchesLabels } from '../model/service-registry.js';
import { duration, istioMetadata } from '../builders/common.js';
import { routeAction } from '../builders/route.js';
import type { PushContext, VirtualServiceModel } from '../model/push-context.js';
import type { Proxy } from '../proxy.js';

/** What an HTTP route is generated for. */
export interface HttpRouteTarget {
  readonly push: PushContext;
  readonly proxy: Proxy;
  /** The VirtualService whose `http` section is translated. */
  readonly vs: VirtualServiceModel;
  /** The gateway the routes are for (`mesh` for sidecars and proxyless clients). */
  readonly gateway: string;
  /** The service port (sidecar/gRPC) or server port (gateway) the route configuration serves. */
  readonly port: number;
  /** Proxyless gRPC clients: no redirect/direct_response (they NACK the whole resource), stream durations for timeouts. */
  readonly grpc: boolean;
}

/**
 * Translates a VirtualService's `http` routes into Envoy routes, as istiod does: one route per
 * match entry, matches that cannot apply to this proxy/gateway/port skipped, and nothing after the
 * first catch-all route.
 */
export function buildHttpRoutes(t: HttpRouteTarget): routeV3.Route[] {
  const out: routeV3.Route[] = [];
  for (const http of t.vs.config.spec.http ?? []) {
    const matches: (HTTPMatchRequest | undefined)[] = http.match && http.match.length > 0 ? http.match : [undefined];
    let catchAll = false;
    for (const m of matches) {
      if (m && !matchApplies(m, t)) continue;
      const route = translateRoute(http, m, t);
      if (route) out.push(route);
      if (!m || isCatchAll(m)) catchAll = true;
    }
    if (catchAll) break;
  }
  return out;
}

function matchApplies(m: HTTPMatchRequest, t: HttpRouteTarget): boolean {
  if (m.port !== undefined && m.port !== t.port) return false;
  if (m.gateways && m.gateways.length > 0) {
    const ns = t.vs.config.metadata.namespace;
    if (!m.gateways.some((g) => (g === 'mesh' ? 'mesh' : g.includes('/') ? g : `${ns}/${g}`) === t.gateway)) return false;
  } else if (!t.vs.gateways.includes(t.gateway)) {
    return false;
  }
  if (m.sourceLabels && !matchesLabels(m.sourceLabels, t.proxy.labels)) return false;
  if (m.sourceNamespace && m.sourceNamespace !== t.proxy.namespace) return false;
  return true;
}

function isCatchAll(m: HTTPMatchRequest): boolean {
  const uriAll = !m.uri || m.uri.prefix === '/' || m.uri.regex === '.*' || m.uri.regex === '*';
  return uriAll && !m.headers && !m.queryParams && !m.withoutHeaders && !m.method && !m.authority && !m.scheme;
}

function translateRoute(http: HTTPRoute, m: HTTPMatchRequest | undefined, t: HttpRouteTarget): routeV3.Route | undefined {
  const vsMeta = t.vs.config.metadata;
  const name = [http.name, m?.name].filter(Boolean).join('.');
  const match = routeMatch(m);
  const base = {
    name,
    match,
    metadata: istioMetadata({ config: configMetadataPath('VirtualService', t.vs.config.apiVersion, vsMeta.namespace, vsMeta.name) }),
  };
  if (http.redirect || http.directResponse) {
    if (t.grpc) return undefined;
    return undefined; // Redirects and direct responses for Envoy proxies come with the sidecar generator.
  }
  const dests = (http.route ?? []).filter((d) => (http.route!.length === 1 ? true : (d.weight ?? 0) > 0));
  if (dests.length === 0) return undefined;
  const targets = dests.map((d) => ({
    name: destinationCluster(d.destination.host, d.destination.subset ?? '', d.destination.port?.number, t),
    weight: dests.length === 1 ? 100 : d.weight ?? 0,
  }));
  const action = routeAction(targets.length === 1 ? targets[0]!.name : targets);
  if (http.timeout !== undefined || !t.grpc) {
    const timeout = duration(http.timeout ?? '0s');
    if (t.grpc) action.maxStreamDuration = create(routeV3.RouteAction_MaxStreamDurationSchema, { maxStreamDuration: timeout, grpcTimeoutHeaderMax: timeout });
    else action.timeout = timeout;
  }
  return create(routeV3.RouteSchema, { ...base, action: { case: 'route', value: action } });
}

/** The cluster a destination maps to: `outbound|port|subset|host`, port from the destination, else the service's only port, else the listener port. */
export function destinationCluster(host: string, subset: string, port: number | undefined, t: Pick<HttpRouteTarget, 'push' | 'vs' | 'port'>): string {
  const fqdn = resolveHost(host, t.vs.config.metadata.namespace);
  const svc = t.push.serviceByHostname(fqdn);
  const p = port ?? (svc && svc.ports.length === 1 ? svc.ports[0]!.port : t.port);
  return clusterName('outbound', p, subset, fqdn);
}

function routeMatch(m: HTTPMatchRequest | undefined): routeV3.RouteMatch {
  const match = create(routeV3.RouteMatchSchema, { pathSpecifier: { case: 'prefix', value: '/' } });
  if (!m) return match;
  if (m.uri?.exact !== undefined) match.pathSpecifier = { case: 'path', value: m.uri.exact };
  else if (m.uri?.prefix !== undefined) match.pathSpecifier = { case: 'prefix', value: m.uri.prefix };
  else if (m.uri?.regex !== undefined) match.pathSpecifier = { case: 'safeRegex', value: create(matcherV3.RegexMatcherSchema, { regex: m.uri.regex }) };
  match.caseSensitive = !m.ignoreUriCase;
  const headers: routeV3.HeaderMatcher[] = [];
  for (const name of Object.keys(m.headers ?? {}).sort()) headers.push(headerMatcher(name, m.headers![name]!, false));
  for (const name of Object.keys(m.withoutHeaders ?? {}).sort()) headers.push(headerMatcher(name, m.withoutHeaders![name]!, true));
  if (m.method) headers.push(headerMatcher(':method', m.method, false));
  if (m.authority) headers.push(headerMatcher(':authority', m.authority, false));
  if (m.scheme) headers.push(headerMatcher(':scheme', m.scheme, false));
  match.headers = headers;
  return match;
}

function headerMatcher(name: string, sm: StringMatch, invert: boolean): routeV3.HeaderMatcher {
  const h = create(routeV3.HeaderMatcherSchema, { name, ...(invert ? { invertMatch: true, treatMissingHeaderAsEmpty: true } : {}) });
  const pattern = stringMatcher(sm);
  if (pattern) h.headerMatchSpecifier = { case: 'stringMatch', value: pattern };
  else h.headerMatchSpecifier = { case: 'presentMatch', value: true };
  return h;
}

/** An Envoy StringMatcher for an Istio StringMatch; undefined for an empty match or regex `*` (header present). */
export function stringMatcher(sm: StringMatch): matcherV3.StringMatcher | undefined {
  if (sm.exact !== undefined) return create(matcherV3.StringMatcherSchema, { matchPattern: { case: 'exact', value: sm.exact } });
  if (sm.prefix !== undefined) return create(matcherV3.StringMatcherSchema, { matchPattern: { case: 'prefix', value: sm.prefix } });
  if (sm.regex !== undefined && sm.regex !== '*') {
    return create(matcherV3.StringMatcherSchema, { matchPattern: { case: 'safeRegex', value: create(matcherV3.RegexMatcherSchema, { regex: sm.regex }) } });
  }
  return undefined;
}
