import { create } from '@bufbuild/protobuf';
import { listenerV3, coreV3, typeV3 } from '@minipilot/envoy-api';
import type { RouteDestination, L4MatchAttributes, TLSMatchAttributes } from '@minipilot/config';
import { parseDuration } from '@minipilot/config';
import type { Duration } from '@bufbuild/protobuf/wkt';
import { tcpProxyFilter } from '../builders/tcp-proxy.js';
import { istioMetadata, duration } from '../builders/common.js';
import { configMetadataPath, clusterName } from '../names.js';
import { resolveHost, resolveGatewayName } from '../model/host.js';
import { matchesLabels } from '../model/service-registry.js';
import { destinationCluster } from './route-destination.js';
import type { PushContext, VirtualServiceModel, EffectiveDestinationRule } from '../model/push-context.js';
import type { ServiceModel } from '../model/service.js';
import type { ProxyView } from '../proxy.js';

/** What TCP or TLS filter chains are generated for (a sidecar listener or a gateway server). */
export interface L4RouteTarget {
  readonly push: PushContext;
  readonly proxy: ProxyView;
  /**
   * The VirtualServices that apply, in istiod's order: for a sidecar those whose hosts match
   * `service`; for a gateway those bound to it whose hosts match the server's hosts.
   */
  readonly virtualServices: readonly VirtualServiceModel[];
  /** `mesh` for sidecars, else the gateway (`ns/name`) the server belongs to. */
  readonly gateway: string;
  /** Sidecar: the service port of the listener. Gateway: the server's port number (not the target port). */
  readonly port: number;
  /** Sidecar: the service the listener is for; its cluster is the default chain's destination. */
  readonly service?: ServiceModel;
  /** Sidecar: destination CIDRs the service's chains match (a ServiceEntry with CIDR addresses). */
  readonly destinationCidrs?: readonly string[];
  /** Sidecar TLS: the listener is bound to 0.0.0.0 (no VIP), so the default chain matches SNI = the service host. */
  readonly sniOnDefault?: boolean;
  /** Gateway TLS passthrough: SNI hosts already routed on this listener port, shared by its servers (updated). */
  readonly usedSniHosts?: Set<string>;
  /** Receives a message for each part of a VirtualService that could not be translated. */
  readonly onProblem?: (message: string) => void;
}

/** True for gateway targets (anything but `mesh`). */
export function isGatewayTarget(t: L4RouteTarget): boolean {
  return t.gateway !== 'mesh';
}

/**
 * Static L4 match predicates as istiod evaluates them. Sidecars (matchTCP/matchTLS): gateways,
 * source labels, port and source namespace. Gateways (l4SingleMatch): only port and gateways.
 */
export function l4MatchApplies(m: L4MatchAttributes | TLSMatchAttributes, t: L4RouteTarget, vsNamespace: string): boolean {
  const portOk = m.port === undefined || m.port === 0 || m.port === t.port;
  const gwOk = !m.gateways || m.gateways.length === 0 || m.gateways.some((g) => resolveGatewayName(g, vsNamespace) === t.gateway);
  if (isGatewayTarget(t)) return portOk && gwOk;
  const labelsOk = !m.sourceLabels || matchesLabels(m.sourceLabels, t.proxy.labels);
  const nsOk = !m.sourceNamespace || m.sourceNamespace === t.proxy.namespace;
  return portOk && gwOk && labelsOk && nsOk;
}

/**
 * The tcp_proxy for a VirtualService's tcp/tls route destinations (istiod's
 * buildOutboundNetworkFilters): one destination → `{stat_prefix: cluster, cluster}`; several →
 * `{stat_prefix: "<vsName>.<vsNs>", weighted_clusters}` without weight-0 entries. idle_timeout from
 * the first destination's DestinationRule (connectionPool.tcp.idleTimeout, else node metadata
 * IDLE_TIMEOUT), max_downstream_connection_duration from its maxConnectionDuration, and a source-IP
 * hash policy when it hashes on the source IP. Undefined when no destination has a weight.
 */
export function routeDestinationsFilter(routes: readonly RouteDestination[], vs: VirtualServiceModel, t: L4RouteTarget): listenerV3.Filter | undefined {
  const ns = vs.config.metadata.namespace;
  const first = routes[0];
  if (!first) return undefined;
  const svc = t.push.serviceByHostname(resolveHost(first.destination.host, ns));
  const dr = svc ? t.push.destinationRule(t.proxy.namespace, svc.hostname, t.proxy.labels) : undefined;
  const ctx = { push: t.push, vs, port: t.port };
  if (routes.length === 1) {
    const cluster = destinationCluster(first.destination.host, first.destination.subset ?? '', first.destination.port?.number, ctx);
    return tcpProxyFilter(cluster, tcpProxyExtras(dr, first.destination.subset ?? '', t.proxy));
  }
  const clusters = routes.filter((r) => (r.weight ?? 0) > 0).map((r) => ({
    name: destinationCluster(r.destination.host, r.destination.subset ?? '', r.destination.port?.number, ctx),
    weight: r.weight!,
  }));
  if (clusters.length === 0) return undefined;
  return tcpProxyFilter({ statPrefix: `${vs.config.metadata.name}.${ns}`, clusters }, tcpProxyExtras(dr, '', t.proxy));
}

/** The tcp_proxy to a service's own cluster when no VirtualService route applies (istiod's default chain). */
export function serviceDefaultFilter(svc: ServiceModel, t: L4RouteTarget): listenerV3.Filter {
  const port = svc.ports.length === 1 ? svc.ports[0]!.port : t.port;
  const cluster = clusterName('outbound', port, '', svc.hostname);
  return tcpProxyFilter(cluster, tcpProxyExtras(t.push.destinationRule(t.proxy.namespace, svc.hostname, t.proxy.labels), '', t.proxy));
}

function tcpProxyExtras(dr: EffectiveDestinationRule | undefined, subset: string, proxy: ProxyView): Parameters<typeof tcpProxyFilter>[1] {
  const tcp = dr?.trafficPolicy?.connectionPool?.tcp;
  const idle = tcp?.idleTimeout ?? (proxy.idleTimeout);
  const idleTimeout = idle !== undefined ? toDuration(idle) : undefined;
  const maxDuration = tcp?.maxConnectionDuration !== undefined ? toDuration(tcp.maxConnectionDuration) : undefined;
  let sourceIp = dr?.trafficPolicy?.loadBalancer?.consistentHash?.useSourceIp ?? false;
  const s = dr?.subsets.find((x) => x.name === subset);
  if (s?.trafficPolicy?.loadBalancer) sourceIp = s.trafficPolicy.loadBalancer.consistentHash?.useSourceIp ?? false;
  return {
    ...(idleTimeout ? { idleTimeout } : {}),
    ...(maxDuration ? { maxDownstreamConnectionDuration: maxDuration } : {}),
    ...(sourceIp ? { hashPolicy: [create(typeV3.HashPolicySchema, { policySpecifier: { case: 'sourceIp', value: {} } })] } : {}),
  };
}

function toDuration(text: string): Duration | undefined {
  return parseDuration(text) ? duration(text) : undefined;
}

/** Options of one filter chain built by {@link filterChain}. */
export interface FilterChainOptions {
  readonly filter: listenerV3.Filter;
  readonly cidrs?: readonly string[];
  readonly serverNames?: readonly string[];
  /** The VirtualService whose config path goes in the chain's `metadata.filter_metadata.istio.config`. */
  readonly vs?: VirtualServiceModel;
}

/**
 * A filter chain with the given network filter, matching destination CIDRs (`prefix_ranges`) and
 * SNI (`server_names`, sorted; dropped when it contains `*`), and the VirtualService metadata.
 */
export function filterChain(o: FilterChainOptions): listenerV3.FilterChain {
  const names = o.serverNames && !o.serverNames.includes('*') ? [...o.serverNames].sort() : [];
  const ranges = (o.cidrs ?? []).map(cidrRange);
  const chain = create(listenerV3.FilterChainSchema, { filters: [o.filter] });
  if (names.length > 0 || ranges.length > 0) chain.filterChainMatch = create(listenerV3.FilterChainMatchSchema, { serverNames: names, prefixRanges: ranges });
  if (o.vs) {
    const m = o.vs.config.metadata;
    chain.metadata = istioMetadata({ config: configMetadataPath('VirtualService', o.vs.config.apiVersion, m.namespace, m.name) });
  }
  return chain;
}

/** A CidrRange for `10.0.0.0/16` or a bare address (/32, or /128 for IPv6). */
export function cidrRange(cidr: string): coreV3.CidrRange {
  const [addr = '', len] = cidr.split('/');
  const prefixLen = len !== undefined ? Number(len) : addr.includes(':') ? 128 : 32;
  return create(coreV3.CidrRangeSchema, { addressPrefix: addr, prefixLen });
}

/** Reports a problem with a VirtualService's tcp/tls entry. */
export function reportL4(t: L4RouteTarget, vs: VirtualServiceModel, field: string, message: string): void {
  const m = vs.config.metadata;
  t.onProblem?.(`VirtualService ${m.namespace}/${m.name} ${field}: ${message}`);
}
