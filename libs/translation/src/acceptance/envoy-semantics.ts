import { anyIs } from '@bufbuild/protobuf/wkt';
import type { Message } from '@bufbuild/protobuf';
import { clusterV3, hcmV3, routerV3, tcpProxyV3, TypeUrl, type listenerV3, type routeV3 } from '@minipilot/envoy-api';
import { joinPath, visitsOf, type WalkVisit } from './pgv-walk.js';
import type { FieldProblem } from './types.js';

/**
 * The checks Envoy applies beyond protoc-gen-validate that always NACK a resource, in one explicit
 * list. Each names its rule, the xDS type it applies to and the message types it needs the walk to
 * collect (found anywhere in the resource, including inside typed_config).
 *
 * One set-level rule lives with the orchestration in check.ts: `envoy.duplicate_name` (two resources
 * of one type with the same name; the first wins, later ones are withheld).
 *
 * Deliberately not here (Envoy accepts these; traffic just does not match): a filter chain matching
 * on server_names or transport_protocol without a tls_inspector listener filter, application
 * protocol matches without http_inspector.
 */
export interface EnvoySemanticCheck {
  readonly rule: string;
  readonly typeUrl: string;
  readonly description: string;
  check(resource: Message, visits: ReadonlyMap<string, readonly WalkVisit[]>): FieldProblem[];
}

const HCM = hcmV3.HttpConnectionManagerSchema.typeName;
const ROUTE_CONFIG = 'envoy.config.route.v3.RouteConfiguration';
const ROUTE_ACTION = 'envoy.config.route.v3.RouteAction';

/** Every value combination a FilterChainMatch matches on, as Envoy indexes it (an empty list is "any"). */
function matchKeys(m: listenerV3.FilterChainMatch | undefined): string[] {
  const cidrs = (rs: readonly { addressPrefix: string; prefixLen?: number | undefined }[]) => (rs.length ? rs.map((r) => `${r.addressPrefix}/${r.prefixLen ?? 0}`) : ['*']);
  const list = (xs: readonly (string | number)[]) => (xs.length ? xs.map(String) : ['*']);
  const dims: string[][] = m
    ? [[String(m.destinationPort ?? '*')], cidrs(m.prefixRanges), list(m.serverNames), [m.transportProtocol || '*'], list(m.applicationProtocols),
      cidrs(m.directSourcePrefixRanges), [String(m.sourceType)], cidrs(m.sourcePrefixRanges), list(m.sourcePorts)]
    : [['*'], ['*'], ['*'], ['*'], ['*'], ['*'], ['0'], ['*'], ['*']];
  let keys = [''];
  for (const d of dims) {
    keys = keys.flatMap((k) => d.map((v) => `${k}|${v}`));
    if (keys.length > 100_000) break;
  }
  return keys;
}

function duplicateFilterChainMatches(l: listenerV3.Listener): FieldProblem[] {
  const owner = new Map<string, number>();
  const out: FieldProblem[] = [];
  l.filterChains.forEach((fc, i) => {
    const clash = new Set<number>();
    for (const k of matchKeys(fc.filterChainMatch)) {
      const j = owner.get(k);
      if (j !== undefined && j !== i) clash.add(j);
      else owner.set(k, i);
    }
    for (const j of clash) out.push({ field: `filter_chains[${i}].filter_chain_match`, rule: 'envoy.duplicate_filter_chain_match', message: `filter chain ${i} matches the same connections as filter chain ${j} (Envoy: multiple filter chains with the same matching rules)` });
  });
  return out;
}

/**
 * Envoy requires unique chain names only when the listener selects chains by name through
 * `filter_chain_matcher` (filter_chain_manager_impl.cc setupFilterChainMatcher); without it, names
 * may repeat, as istiod's inbound chains do (`0.0.0.0_9080` for the mTLS and the plaintext chain).
 */
function duplicateFilterChainNames(l: listenerV3.Listener): FieldProblem[] {
  if (!l.filterChainMatcher) return [];
  const seen = new Map<string, number>();
  const out: FieldProblem[] = [];
  l.filterChains.forEach((fc, i) => {
    if (!fc.name) return;
    const j = seen.get(fc.name);
    if (j !== undefined) out.push({ field: `filter_chains[${i}].name`, rule: 'envoy.duplicate_filter_chain_name', message: `filter chain name ${JSON.stringify(fc.name)} is also used by filter chain ${j}` });
    else seen.set(fc.name, i);
  });
  return out;
}

const TERMINAL_NETWORK = [hcmV3.HttpConnectionManagerSchema, tcpProxyV3.TcpProxySchema];

function terminalNetworkFilters(l: listenerV3.Listener): FieldProblem[] {
  const chains: [string, listenerV3.FilterChain][] = l.filterChains.map((fc, i) => [`filter_chains[${i}]`, fc]);
  if (l.defaultFilterChain) chains.push(['default_filter_chain', l.defaultFilterChain]);
  const out: FieldProblem[] = [];
  for (const [path, fc] of chains) {
    fc.filters.forEach((f, i) => {
      if (f.configType.case !== 'typedConfig') return;
      const any = f.configType.value;
      const terminal = TERMINAL_NETWORK.some((s) => anyIs(any, s));
      const last = i === fc.filters.length - 1;
      if (terminal && !last) out.push({ field: `${path}.filters[${i}]`, rule: 'envoy.terminal_filter', message: `terminal filter ${f.name} must be the last filter in the network filter chain` });
      if (!terminal && last) out.push({ field: `${path}.filters[${i}]`, rule: 'envoy.terminal_filter', message: `non-terminal filter ${f.name} is the last filter in the network filter chain` });
    });
  }
  return out;
}

function routerLast(visits: ReadonlyMap<string, readonly WalkVisit[]>): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const { message: hcm, path } of visitsOf<hcmV3.HttpConnectionManager>(visits, HCM)) {
    const isRouter = (f: hcmV3.HttpFilter) => f.configType.case === 'typedConfig' && anyIs(f.configType.value, routerV3.RouterSchema);
    if (hcm.httpFilters.length === 0) out.push({ field: joinPath(path, 'http_filters'), rule: 'envoy.http_router_last', message: 'http_filters is empty; the router filter must be last' });
    hcm.httpFilters.forEach((f, i) => {
      const last = i === hcm.httpFilters.length - 1;
      if (isRouter(f) && !last) out.push({ field: joinPath(path, `http_filters[${i}]`), rule: 'envoy.http_router_last', message: `terminal filter ${f.name} must be the last HTTP filter` });
      if (!isRouter(f) && last) out.push({ field: joinPath(path, `http_filters[${i}]`), rule: 'envoy.http_router_last', message: `non-terminal filter ${f.name} is the last HTTP filter; the router must be last` });
    });
  }
  return out;
}

function duplicateDomains(visits: ReadonlyMap<string, readonly WalkVisit[]>): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const { message: rc, path } of visitsOf<routeV3.RouteConfiguration>(visits, ROUTE_CONFIG)) {
    const seen = new Map<string, number>();
    rc.virtualHosts.forEach((vh, i) => vh.domains.forEach((d, k) => {
      const key = d.toLowerCase();
      const j = seen.get(key);
      if (j !== undefined) out.push({ field: joinPath(path, `virtual_hosts[${i}].domains[${k}]`), rule: 'envoy.duplicate_domain', message: `domain ${JSON.stringify(d)} is also in virtual host ${j} (${rc.virtualHosts[j]!.name}) of route configuration ${rc.name}` });
      else seen.set(key, i);
    }));
  }
  return out;
}

function duplicateVirtualHostNames(visits: ReadonlyMap<string, readonly WalkVisit[]>): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const { message: rc, path } of visitsOf<routeV3.RouteConfiguration>(visits, ROUTE_CONFIG)) {
    const seen = new Map<string, number>();
    rc.virtualHosts.forEach((vh, i) => {
      const j = seen.get(vh.name);
      if (j !== undefined) out.push({ field: joinPath(path, `virtual_hosts[${i}].name`), rule: 'envoy.duplicate_virtual_host_name', message: `virtual host name ${JSON.stringify(vh.name)} is also used by virtual host ${j}` });
      else seen.set(vh.name, i);
    });
  }
  return out;
}

function weightedClusterTotals(visits: ReadonlyMap<string, readonly WalkVisit[]>): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const { message: ra, path } of visitsOf<routeV3.RouteAction>(visits, ROUTE_ACTION)) {
    if (ra.clusterSpecifier.case !== 'weightedClusters') continue;
    const wc = ra.clusterSpecifier.value;
    const sum = wc.clusters.reduce((s, c) => s + (c.weight ?? 0), 0);
    const field = joinPath(path, 'weighted_clusters');
    if (sum === 0) out.push({ field, rule: 'envoy.weighted_clusters_total', message: 'the weights of weighted_clusters sum to 0' });
    else if (wc.totalWeight !== undefined && wc.totalWeight !== sum) out.push({ field, rule: 'envoy.weighted_clusters_total', message: `weights sum to ${sum} but total_weight is ${wc.totalWeight}` });
    if (sum > 4294967295) out.push({ field, rule: 'envoy.weighted_clusters_total', message: `weights sum to ${sum}, more than 2^32-1` });
  }
  return out;
}

function clusterTypeRules(c: clusterV3.Cluster): FieldProblem[] {
  const out: FieldProblem[] = [];
  const T = clusterV3.Cluster_DiscoveryType;
  const type = c.clusterDiscoveryType.case === 'type' ? c.clusterDiscoveryType.value : undefined;
  const provided = c.lbPolicy === clusterV3.Cluster_LbPolicy.CLUSTER_PROVIDED;
  if (type === T.ORIGINAL_DST && !provided && !c.loadBalancingPolicy) out.push({ field: 'lb_policy', rule: 'envoy.original_dst_lb', message: `ORIGINAL_DST clusters need lb_policy CLUSTER_PROVIDED, not ${clusterV3.Cluster_LbPolicy[c.lbPolicy]}` });
  if (type !== undefined && type !== T.ORIGINAL_DST && provided) out.push({ field: 'lb_policy', rule: 'envoy.original_dst_lb', message: `lb_policy CLUSTER_PROVIDED is not valid for ${T[type]} clusters` });
  if (type === T.EDS && !c.edsClusterConfig?.edsConfig) out.push({ field: 'eds_cluster_config.eds_config', rule: 'envoy.eds_config', message: 'an EDS cluster needs eds_cluster_config.eds_config' });
  if (type === T.LOGICAL_DNS) {
    const eps = c.loadAssignment?.endpoints ?? [];
    if (eps.length !== 1 || eps[0]!.lbEndpoints.length !== 1) out.push({ field: 'load_assignment', rule: 'envoy.logical_dns_single_endpoint', message: 'LOGICAL_DNS clusters need exactly one locality with exactly one endpoint' });
  }
  return out;
}

function listenerAddress(l: listenerV3.Listener): FieldProblem[] {
  if (l.apiListener || l.address || l.listenerSpecifier.case === 'internalListener') return [];
  return [{ field: 'address', rule: 'envoy.listener_address', message: 'a listener without api_listener or internal_listener needs an address' }];
}

/** The message types the semantic checks read from a walk. */
export const SEMANTIC_VISIT_TYPES: ReadonlySet<string> = new Set([HCM, ROUTE_CONFIG, ROUTE_ACTION]);

/** Envoy's checks beyond PGV that NACK a resource, one entry per rule. */
export const ENVOY_SEMANTIC_CHECKS: readonly EnvoySemanticCheck[] = [
  { rule: 'envoy.listener_address', typeUrl: TypeUrl.Listener, description: 'a socket listener has an address', check: (l) => listenerAddress(l as listenerV3.Listener) },
  { rule: 'envoy.duplicate_filter_chain_match', typeUrl: TypeUrl.Listener, description: 'no two filter chains of a listener match the same connections', check: (l) => duplicateFilterChainMatches(l as listenerV3.Listener) },
  { rule: 'envoy.duplicate_filter_chain_name', typeUrl: TypeUrl.Listener, description: 'filter chain names are unique within a listener that uses filter_chain_matcher', check: (l) => duplicateFilterChainNames(l as listenerV3.Listener) },
  { rule: 'envoy.terminal_filter', typeUrl: TypeUrl.Listener, description: 'the terminal network filter (HCM, tcp_proxy) is last, and only it', check: (l) => terminalNetworkFilters(l as listenerV3.Listener) },
  { rule: 'envoy.http_router_last', typeUrl: TypeUrl.Listener, description: 'every HttpConnectionManager ends its http_filters with the router, and only there', check: (_, v) => routerLast(v) },
  { rule: 'envoy.duplicate_domain', typeUrl: TypeUrl.RouteConfiguration, description: 'a domain appears in one virtual host of a route configuration', check: (_, v) => duplicateDomains(v) },
  { rule: 'envoy.duplicate_domain', typeUrl: TypeUrl.Listener, description: 'the same, for route configurations inline in an HCM', check: (_, v) => duplicateDomains(v) },
  { rule: 'envoy.duplicate_virtual_host_name', typeUrl: TypeUrl.RouteConfiguration, description: 'virtual host names are unique within a route configuration', check: (_, v) => duplicateVirtualHostNames(v) },
  { rule: 'envoy.duplicate_virtual_host_name', typeUrl: TypeUrl.Listener, description: 'the same, for route configurations inline in an HCM', check: (_, v) => duplicateVirtualHostNames(v) },
  { rule: 'envoy.weighted_clusters_total', typeUrl: TypeUrl.RouteConfiguration, description: 'weighted cluster weights sum to more than 0 (and to total_weight when set)', check: (_, v) => weightedClusterTotals(v) },
  { rule: 'envoy.weighted_clusters_total', typeUrl: TypeUrl.Listener, description: 'the same, for route configurations inline in an HCM', check: (_, v) => weightedClusterTotals(v) },
  { rule: 'envoy.cluster_type', typeUrl: TypeUrl.Cluster, description: 'ORIGINAL_DST pairs with CLUSTER_PROVIDED, EDS has an eds_config, LOGICAL_DNS has one endpoint', check: (c) => clusterTypeRules(c as clusterV3.Cluster) },
];
