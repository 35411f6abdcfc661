import { create } from '@bufbuild/protobuf';
import { routeV3 } from '@minipilot/envoy-api';
import type { ConsistentHashLB, Destination, PortTrafficPolicy } from '@minipilot/config';
import { duration } from '../builders/common.js';
import { resolveHost } from '../model/host.js';
import type { PushContext } from '../model/push-context.js';
import type { ProxyView } from '../proxy.js';

/**
 * The route hash policy for a DestinationRule consistentHash, as istiod converts it: header,
 * cookie (name, path, ttl), source IP (connection properties) or query parameter; undefined for
 * none (ring/maglev settings alone configure only the cluster).
 */
export function consistentHashToHashPolicy(ch: ConsistentHashLB | undefined): routeV3.RouteAction_HashPolicy | undefined {
  if (!ch) return undefined;
  if (ch.httpHeaderName !== undefined) {
    return create(routeV3.RouteAction_HashPolicySchema, { policySpecifier: { case: 'header', value: { headerName: ch.httpHeaderName } } });
  }
  if (ch.httpCookie) {
    const c = ch.httpCookie;
    return create(routeV3.RouteAction_HashPolicySchema, {
      policySpecifier: { case: 'cookie', value: { name: c.name ?? '', path: c.path ?? '', ...(c.ttl !== undefined ? { ttl: duration(c.ttl) } : {}) } },
    });
  }
  if (ch.useSourceIp !== undefined) {
    return create(routeV3.RouteAction_HashPolicySchema, { policySpecifier: { case: 'connectionProperties', value: { sourceIp: ch.useSourceIp } } });
  }
  if (ch.httpQueryParameterName !== undefined) {
    return create(routeV3.RouteAction_HashPolicySchema, { policySpecifier: { case: 'queryParameter', value: { name: ch.httpQueryParameterName } } });
  }
  return undefined;
}

/**
 * The hash policy of a VirtualService destination (istiod's hashForHTTPDestination): the
 * DestinationRule for its host as seen from the proxy; the subset's port-level consistentHash
 * wins, then the subset's, then the rule's port-level, then the rule's own.
 */
export function hashPolicyForDestination(push: PushContext, proxy: ProxyView, d: Destination, vsNamespace: string): routeV3.RouteAction_HashPolicy | undefined {
  const dr = push.destinationRule(proxy.namespace, resolveHost(d.host, vsNamespace), proxy.labels);
  if (!dr) return undefined;
  const tp = dr.trafficPolicy;
  const subset = d.subset !== undefined ? dr.subsets.find((s) => s.name === d.subset) : undefined;
  const ch = portLevelHash(d, subset?.trafficPolicy?.portLevelSettings)
    ?? subset?.trafficPolicy?.loadBalancer?.consistentHash
    ?? portLevelHash(d, tp?.portLevelSettings)
    ?? tp?.loadBalancer?.consistentHash;
  return consistentHashToHashPolicy(ch);
}

/**
 * The hash policy of a service port's default route (istiod's hashForService): the
 * DestinationRule's consistentHash, replaced by the port-level one for `port` if set.
 */
export function hashPolicyForService(push: PushContext, proxy: ProxyView, hostname: string, port: number): routeV3.RouteAction_HashPolicy | undefined {
  const tp = push.destinationRule(proxy.namespace, hostname, proxy.labels)?.trafficPolicy;
  if (!tp) return undefined;
  const pls = tp.portLevelSettings?.find((s) => s.port?.number === port);
  return consistentHashToHashPolicy(pls?.loadBalancer?.consistentHash ?? tp.loadBalancer?.consistentHash);
}

function portLevelHash(d: Destination, pls: readonly PortTrafficPolicy[] | undefined): ConsistentHashLB | undefined {
  if (d.port?.number === undefined) return undefined;
  return pls?.find((s) => s.port?.number === d.port!.number)?.loadBalancer?.consistentHash;
}
