import { create } from '@bufbuild/protobuf';
import { routeV3, faultV3, corsV3 } from '@minipilot/envoy-api';
import type { HTTPRoute, HTTPMatchRequest } from '@minipilot/config';
import { configMetadataPath, parseClusterName } from '../names.js';
import { resolveGatewayName } from '../model/host.js';
import { matchesLabels } from '../model/service-registry.js';
import { istioMetadata, typed } from '../builders/common.js';
import { translateRouteMatch, isCatchAllMatch, usesClaimHeaders } from './route-match.js';
import { translateHeaderOperations } from './header-operations.js';
import { translateRedirect, translateDirectResponse } from './redirect.js';
import { translateFault } from './fault.js';
import { translateCorsPolicy } from './cors.js';
import { applyRouteDestination } from './route-destination.js';
import type { PushContext, VirtualServiceModel } from '../model/push-context.js';
import type { ProxyView } from '../proxy.js';

export { destinationCluster } from './route-destination.js';
export { stringMatcher } from './route-match.js';

/** Envoy's HTTP filter names the per-route configs are keyed by. */
export const FAULT_FILTER = 'envoy.filters.http.fault';
export const CORS_FILTER = 'envoy.filters.http.cors';

/** What an HTTP route is generated for. */
export interface HttpRouteTarget {
  readonly push: PushContext;
  readonly proxy: ProxyView;
  /** The VirtualService whose `http` section is translated. */
  readonly vs: VirtualServiceModel;
  /** The gateway the routes are for (`mesh` for sidecars and proxyless clients, else `ns/name`). */
  readonly gateway: string;
  /** The service port (sidecar/gRPC) or server port number (gateway) the route configuration serves. */
  readonly port: number;
  /** Proxyless gRPC clients: no redirect/direct_response (they NACK the whole resource), stream durations for timeouts. */
  readonly grpc: boolean;
  /** The routes serve a TLS-terminating gateway server (redirects then default to scheme https). */
  readonly tls?: boolean;
  /** Receives a message for each part of the VirtualService that could not be translated (the rest is). */
  readonly onProblem?: (message: string) => void;
}

/**
 * Translates a VirtualService's `http` routes (delegates merged, see `mergeDelegates`) into Envoy routes, as istiod does
 * (BuildHTTPRoutesForVirtualService): one route per match entry, matches that cannot apply to this
 * proxy/gateway/port skipped, and nothing after the first catch-all. Proxyless gRPC clients never
 * get redirect or direct_response routes (dropped), routes matching query parameters (gRFC A28:
 * they never match) or CORS policies. Returns no routes when the VirtualService is not bound to
 * `t.gateway`.
 */
export function buildHttpRoutes(t: HttpRouteTarget): routeV3.Route[] {
  const out: routeV3.Route[] = [];
  if (!t.vs.gateways.includes(t.gateway)) return out;
  const meta = t.vs.config.metadata;
  for (const w of t.vs.delegationWarnings) t.onProblem?.(`VirtualService ${meta.namespace}/${meta.name}: ${w}`);
  const http = t.vs.http;
  for (let i = 0; i < http.length; i++) {
    const h = http[i]!;
    if (h.delegate) {
      // Only a delegate's own route can still delegate here (validation rejects it): istiod merges one level.
      report(t, i, 'delegate', 'a delegate VirtualService cannot delegate again; route skipped');
      continue;
    }
    if (!h.match || h.match.length === 0) {
      const r = translateRoute(h, undefined, i, t);
      if (r) out.push(r);
      break;
    }
    let catchAll = false;
    for (const m of h.match) {
      if (!matchApplies(m, t)) continue;
      if (usesClaimHeaders(m)) {
        report(t, i, 'match.headers', '@request.auth.claims matches need the JWT filter, which minipilot does not configure; match skipped');
        continue;
      }
      const r = translateRoute(h, m, i, t);
      if (r) out.push(r);
      // A dropped route still ends the list where istiod's would (nothing after a catch-all is reachable).
      if (isCatchAllMatch(r ? r.match : translateRouteMatch(m))) {
        catchAll = true;
        break;
      }
    }
    if (catchAll) break;
  }
  return out;
}

/**
 * Static match predicates, evaluated for this proxy as istiod does: port, then the match's gateways
 * if it lists any (source labels and namespace are then not checked), else source labels and namespace.
 */
function matchApplies(m: HTTPMatchRequest, t: HttpRouteTarget): boolean {
  if (m.port !== undefined && m.port !== 0 && m.port !== t.port) return false;
  // gRFC A28: a route with query parameter matchers never matches for a gRPC client.
  if (t.grpc && Object.keys(m.queryParams ?? {}).length > 0) return false;
  const ns = t.vs.config.metadata.namespace;
  if (m.gateways && m.gateways.length > 0) return m.gateways.some((g) => resolveGatewayName(g, ns) === t.gateway);
  if (m.sourceLabels && !matchesLabels(m.sourceLabels, t.proxy.labels)) return false;
  return !m.sourceNamespace || m.sourceNamespace === t.proxy.namespace;
}

function translateRoute(http: HTTPRoute, m: HTTPMatchRequest | undefined, index: number, t: HttpRouteTarget): routeV3.Route | undefined {
  const meta = t.vs.config.metadata;
  const out = create(routeV3.RouteSchema, {
    name: m?.name ? `${http.name ?? ''}.${m.name}` : http.name ?? '',
    match: translateRouteMatch(m),
    metadata: istioMetadata({ config: configMetadataPath('VirtualService', t.vs.config.apiVersion, meta.namespace, meta.name) }),
    ...(m?.statPrefix ? { statPrefix: m.statPrefix } : {}),
  });
  const ops = translateHeaderOperations(http.headers);
  if (http.headers) {
    out.requestHeadersToAdd = ops.requestHeadersToAdd;
    out.requestHeadersToRemove = ops.requestHeadersToRemove;
    out.responseHeadersToAdd = ops.responseHeadersToAdd;
    out.responseHeadersToRemove = ops.responseHeadersToRemove;
  }
  if (http.redirect) {
    if (t.grpc) return undefined;
    const redirect = translateRedirect(http.redirect, t.port, t.tls ?? false);
    if (!redirect) {
      report(t, index, 'redirect.redirectCode', `${http.redirect.redirectCode} is not one of 301, 302, 303, 307, 308; route skipped`);
      return undefined;
    }
    out.action = { case: 'redirect', value: redirect };
  } else if (http.directResponse) {
    if (t.grpc) return undefined;
    out.action = { case: 'directResponse', value: translateDirectResponse(http.directResponse, (f, msg) => report(t, index, f, msg)) };
  } else {
    if (!applyRouteDestination(out, http, t, ops.authority)) {
      report(t, index, 'route', 'no destination with a weight above 0; route skipped');
      return undefined;
    }
  }
  out.decorator = create(routeV3.DecoratorSchema, { operation: routeOperation(out, meta.name, t.port) });
  if (http.fault) {
    const fault = translateFault(http.fault);
    if (fault) out.typedPerFilterConfig[FAULT_FILTER] = typed(faultV3.HTTPFaultSchema, fault);
  }
  if (http.corsPolicy && !t.grpc) out.typedPerFilterConfig[CORS_FILTER] = typed(corsV3.CorsPolicySchema, translateCorsPolicy(http.corsPolicy));
  return out;
}

/**
 * The trace operation istiod puts in `decorator.operation`: `<host>:<port><path>` for a route to a
 * single `outbound|...` cluster, else `<vsName>:<listenerPort><path>`; path is the exact path, the
 * prefix followed by `*`, the regex, or `/*`.
 */
export function routeOperation(r: routeV3.Route, vsName: string, port: number): string {
  const ps = r.match?.pathSpecifier;
  let path = '/*';
  if (ps?.case === 'prefix') path = `${ps.value}*`;
  else if (ps?.case === 'path') path = ps.value;
  else if (ps?.case === 'safeRegex') path = ps.value.regex;
  const cluster = r.action.case === 'route' && r.action.value.clusterSpecifier.case === 'cluster' ? r.action.value.clusterSpecifier.value : '';
  const parsed = parseClusterName(cluster);
  return parsed ? `${parsed.host}:${parsed.port}${path}` : `${vsName}:${port}${path}`;
}

function report(t: HttpRouteTarget, index: number, field: string, message: string): void {
  const m = t.vs.config.metadata;
  t.onProblem?.(`VirtualService ${m.namespace}/${m.name} http[${index}].${field}: ${message}`);
}
