import { create } from '@bufbuild/protobuf';
import { routeV3, matcherV3, coreV3 } from '@minipilot/envoy-api';
import type { HTTPRoute, Destination, HTTPRouteDestination } from '@minipilot/config';
import { clusterName } from '../names.js';
import { resolveHost } from '../model/host.js';
import { duration } from '../builders/common.js';
import { translateHeaderOperations } from './header-operations.js';
import { hashPolicyForDestination } from './hash-policy.js';
import { convertRetryPolicy } from './retry-policy.js';
import { percentToFractional, integerToFractional } from './percent.js';
import type { PushContext, VirtualServiceModel } from '../model/push-context.js';
import type { ProxyView } from '../proxy.js';
import type { typeV3 } from '@minipilot/envoy-api';
import type { ProblemSink } from './problem.js';

/** What a route action is built for (a subset of the HTTP route target). */
export interface RouteDestinationContext {
  readonly push: PushContext;
  readonly proxy: ProxyView;
  readonly vs: VirtualServiceModel;
  readonly port: number;
  readonly grpc: boolean;
  /** `mesh` for sidecars and proxyless clients, else the gateway (`ns/name`); see {@link destinationCluster}. */
  readonly gateway?: string;
}

/**
 * The cluster a destination maps to (istiod's GetDestinationCluster): `outbound|port|subset|host`
 * with the host resolved in the VirtualService's namespace and the port from the destination, else
 * the service's only port, else the listener port. A sidecar's HTTP routes look services up among
 * those of the listener port only, each reduced to that port (istiod
 * BuildSidecarOutboundVirtualHosts' servicesByName), so there a destination without a port always
 * takes the listener port.
 */
export function destinationCluster(host: string, subset: string, port: number | undefined, t: Pick<RouteDestinationContext, 'push' | 'vs' | 'port'> & Partial<Pick<RouteDestinationContext, 'grpc' | 'gateway'>>): string {
  const fqdn = resolveHost(host, t.vs.config.metadata.namespace);
  if (port === undefined && t.gateway === 'mesh' && t.grpc === false) return clusterName('outbound', t.port, subset, fqdn);
  const svc = t.push.serviceByHostname(fqdn);
  const p = port ?? (svc && svc.ports.length === 1 ? svc.ports[0]!.port : t.port);
  return clusterName('outbound', p, subset, fqdn);
}

/**
 * Sets `route` as the action of `out` for an HTTPRoute with destinations, as istiod's
 * applyHTTPRouteDestination does: timeout (+ max_grpc_timeout, or max_stream_duration for proxyless
 * gRPC), rewrites and host rewrite (`authority` from the route's header operations, overridden by
 * `rewrite.authority`), mirrors, one cluster (its header operations appended to the route's) or
 * weighted clusters (weight-0 entries dropped, header operations on each entry, total_weight only
 * for gRPC clients), consistent-hash policies and the retry policy (for gRPC clients only an
 * explicit one, without host predicates). Returns false, leaving `out` unchanged, when no
 * destination is left.
 */
export function applyRouteDestination(out: routeV3.Route, http: HTTPRoute, t: RouteDestinationContext, authority: string, onProblem: ProblemSink): boolean {
  const dests = http.route ?? [];
  const action = create(routeV3.RouteActionSchema, {});
  action.timeout = duration(http.timeout ?? '0s');
  if (t.grpc) action.maxStreamDuration = create(routeV3.RouteAction_MaxStreamDurationSchema, { maxStreamDuration: action.timeout });
  else action.maxGrpcTimeout = action.timeout;

  let hostRewrite = authority;
  if (http.rewrite) {
    const rr = http.rewrite.uriRegexRewrite;
    if (rr) action.regexRewrite = create(matcherV3.RegexMatchAndSubstituteSchema, { pattern: { regex: rr.match ?? '' }, substitution: rr.rewrite ?? '' });
    else if (http.rewrite.uri) action.prefixRewrite = http.rewrite.uri;
    if (http.rewrite.authority) hostRewrite = http.rewrite.authority;
  }
  if (hostRewrite) action.hostRewriteSpecifier = { case: 'hostRewriteLiteral', value: hostRewrite };

  action.requestMirrorPolicies = mirrorPolicies(http, t);

  const ns = t.vs.config.metadata.namespace;
  let consistentHash = false;
  if (dests.length === 1) {
    const d = dests[0]!;
    action.clusterSpecifier = { case: 'cluster', value: clusterOf(d.destination, t) };
    if (d.headers) {
      const ops = translateHeaderOperations(d.headers);
      out.requestHeadersToAdd.push(...ops.requestHeadersToAdd);
      out.requestHeadersToRemove.push(...ops.requestHeadersToRemove);
      out.responseHeadersToAdd.push(...ops.responseHeadersToAdd);
      out.responseHeadersToRemove.push(...ops.responseHeadersToRemove);
      if (ops.authority && action.hostRewriteSpecifier.case === undefined) action.hostRewriteSpecifier = { case: 'hostRewriteLiteral', value: ops.authority };
    }
    const hash = hashPolicyForDestination(t.push, t.proxy, d.destination, ns);
    if (hash) action.hashPolicy.push(hash);
    consistentHash = hash !== undefined;
  } else {
    const weighted = dests.filter((d) => (d.weight ?? 0) > 0).map((d) => weightedCluster(d, t, action));
    if (weighted.length === 0) return false;
    action.clusterSpecifier = {
      case: 'weightedClusters',
      value: create(routeV3.WeightedClusterSchema, {
        clusters: weighted,
        ...(t.grpc ? { totalWeight: weighted.reduce((s, c) => s + (c.weight ?? 0), 0) } : {}),
      }),
    };
  }
  // Proxyless gRPC clients get only the retries the VirtualService asks for, without Envoy's
  // host-selection predicate (gRPC ignores it); istiod would also send them its default policy.
  const retry = t.grpc && !http.retries ? undefined : convertRetryPolicy(http.retries, consistentHash, onProblem);
  if (retry && t.grpc) retry.retryHostPredicate = [];
  if (retry) action.retryPolicy = retry;
  out.action = { case: 'route', value: action };
  return true;
}

function clusterOf(d: Destination, t: RouteDestinationContext): string {
  return destinationCluster(d.host, d.subset ?? '', d.port?.number, t);
}

function weightedCluster(d: HTTPRouteDestination, t: RouteDestinationContext, action: routeV3.RouteAction): routeV3.WeightedCluster_ClusterWeight {
  const cw = create(routeV3.WeightedCluster_ClusterWeightSchema, { name: clusterOf(d.destination, t), weight: d.weight ?? 0 });
  if (d.headers) {
    const ops = translateHeaderOperations(d.headers);
    cw.requestHeadersToAdd = ops.requestHeadersToAdd;
    cw.requestHeadersToRemove = ops.requestHeadersToRemove;
    cw.responseHeadersToAdd = ops.responseHeadersToAdd;
    cw.responseHeadersToRemove = ops.responseHeadersToRemove;
    if (ops.authority) cw.hostRewriteSpecifier = { case: 'hostRewriteLiteral', value: ops.authority };
  }
  const hash = hashPolicyForDestination(t.push, t.proxy, d.destination, t.vs.config.metadata.namespace);
  if (hash) action.hashPolicy.push(hash);
  return cw;
}

/**
 * `request_mirror_policies` for `mirror` (+ `mirrorPercentage`, or the deprecated integer
 * `mirrorPercent`; 100% when neither) and each `mirrors[]` entry; an explicit 0% mirrors nothing.
 */
function mirrorPolicies(http: HTTPRoute, t: RouteDestinationContext): routeV3.RouteAction_RequestMirrorPolicy[] {
  const out: routeV3.RouteAction_RequestMirrorPolicy[] = [];
  if (http.mirror) {
    let fraction: typeV3.FractionalPercent | undefined;
    if (http.mirrorPercentage) fraction = (http.mirrorPercentage.value ?? 0) > 0 ? percentToFractional(http.mirrorPercentage) : undefined;
    else if (http.mirrorPercent !== undefined) fraction = http.mirrorPercent > 0 ? integerToFractional(http.mirrorPercent) : undefined;
    else fraction = integerToFractional(100);
    if (fraction) out.push(mirrorPolicy(clusterOf(http.mirror, t), fraction));
  }
  for (const m of http.mirrors ?? []) {
    if (!m.destination) continue;
    const fraction = m.percentage ? ((m.percentage.value ?? 0) > 0 ? percentToFractional(m.percentage) : undefined) : integerToFractional(100);
    if (fraction) out.push(mirrorPolicy(clusterOf(m.destination, t), fraction));
  }
  return out;
}

function mirrorPolicy(cluster: string, fraction: typeV3.FractionalPercent): routeV3.RouteAction_RequestMirrorPolicy {
  return create(routeV3.RouteAction_RequestMirrorPolicySchema, {
    cluster,
    runtimeFraction: create(coreV3.RuntimeFractionalPercentSchema, { defaultValue: fraction }),
    traceSampled: false,
  });
}
