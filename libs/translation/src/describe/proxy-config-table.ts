import { clusterV3, coreV3, hcmV3, tcpProxyV3, type endpointV3, type listenerV3, type routeV3 } from '@minipilot/envoy-api';
import type { EnvoyResources } from '../resources.js';
import { parseClusterName, BLACKHOLE_CLUSTER, PASSTHROUGH_CLUSTER } from '../names.js';
import { typedConfigOf } from '../simulate/typed-config.js';
import { configRefOf, describeRouteMatch } from './describe-config.js';

/** The resource lists `istioctl proxy-config` summarises. */
export type ProxyConfigKind = 'listeners' | 'routes' | 'clusters' | 'endpoints';

/**
 * Lays rows out the way Go's tabwriter does for istioctl: every column but the last padded to its
 * widest cell plus `padding` spaces.
 */
export function formatTable(rows: readonly (readonly string[])[], padding: number): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { if (i < row.length - 1) widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return rows.map((row) => row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]! + padding) : cell)).join('')).join('\n') + '\n';
}

/** istioctl's short names of the application protocol lists istiod puts in filter chain matches. */
const ALPN_NAMES: readonly (readonly [string, readonly string[]])[] = [
  ['App: HTTP TLS', ['http/1.0', 'http/1.1', 'h2c', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2']],
  ['App: Istio HTTP Plain', ['istio', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2']],
  ['App: TCP TLS', ['istio-peer-exchange', 'istio']],
  ['App: HTTP', ['http/1.0', 'http/1.1', 'h2c']],
];

/** A filter chain match in istioctl's words: `SNI: ...; Trans: tls; App: HTTP; Addr: 10.0.0.1/32:80`, or `ALL`. */
function describeChainMatch(m: listenerV3.FilterChainMatch | undefined): string {
  if (!m) return 'ALL';
  const out: string[] = [];
  if (m.serverNames.length > 0) out.push(`SNI: ${m.serverNames.join(',')}`);
  if (m.transportProtocol) out.push(`Trans: ${m.transportProtocol}`);
  if (m.applicationProtocols.length > 0) {
    const known = ALPN_NAMES.find(([, list]) => list.length === m.applicationProtocols.length && list.every((p, i) => p === m.applicationProtocols[i]));
    out.push(known ? known[0] : `App: ${m.applicationProtocols.join(',')}`);
  }
  const port = m.destinationPort !== undefined ? `:${m.destinationPort}` : '';
  if (m.prefixRanges.length > 0) out.push(`Addr: ${m.prefixRanges.map((r) => `${r.addressPrefix}/${r.prefixLen ?? 0}`).join(',')}${port}`);
  else if (port) out.push(`Addr: *${port}`);
  return out.length > 0 ? out.join('; ') : 'ALL';
}

/** Where a filter chain sends traffic: `Route: 9080`, `Inline Route: ...`, `Cluster: outbound|...`, `PassthroughCluster`. */
function describeChainDestination(chain: listenerV3.FilterChain): string {
  for (const f of chain.filters) {
    const hcm = typedConfigOf(f, hcmV3.HttpConnectionManagerSchema);
    if (hcm) {
      if (hcm.routeSpecifier.case === 'rds') return `Route: ${hcm.routeSpecifier.value.routeConfigName}`;
      if (hcm.routeSpecifier.case === 'routeConfig') {
        const vhosts = hcm.routeSpecifier.value.virtualHosts.map((vh) => {
          const routes = vh.routes.map((r) => describeRouteMatch(r.match)).join(', ');
          return vh.domains.length === 1 && vh.domains[0] === '*' ? routes : `${vh.domains.join('/')} ${routes}`;
        });
        return `Inline Route: ${vhosts.join('; ')}`;
      }
      return 'HTTP';
    }
    const tcp = typedConfigOf(f, tcpProxyV3.TcpProxySchema);
    if (tcp) {
      const spec = tcp.clusterSpecifier;
      if (spec.case === 'weightedClusters') return `WeightedClusters: ${spec.value.clusters.map((c) => `${c.name} ${c.weight}`).join(', ')}`;
      const cluster = spec.case === 'cluster' ? spec.value : '';
      return cluster === BLACKHOLE_CLUSTER || cluster === PASSTHROUGH_CLUSTER || cluster.includes('Cluster') ? cluster : `Cluster: ${cluster}`;
    }
  }
  return 'Non-HTTP/Non-TCP';
}

function socketOf(a: coreV3.Address | undefined): { address: string; port: number } | undefined {
  return a?.address.case === 'socketAddress'
    ? { address: a.address.value.address, port: a.address.value.portSpecifier.case === 'portValue' ? a.address.value.portSpecifier.value : 0 }
    : undefined;
}

/** `istioctl proxy-config listeners`: ADDRESSES, PORT, MATCH, DESTINATION; one row per filter chain, by port then address. */
function listenersTable(listeners: readonly listenerV3.Listener[]): string {
  const keyed = listeners.map((l) => {
    const main = socketOf(l.address);
    const extra = l.additionalAddresses.map((a) => socketOf(a.address)?.address).filter((a): a is string => Boolean(a));
    // A proxyless gRPC api_listener has no address: it is shown by name.
    return { l, addresses: main ? [main.address, ...extra].join(',') : l.name, port: main ? String(main.port) : '-', portNum: main?.port ?? 0 };
  }).sort((a, b) => a.portNum - b.portNum || a.addresses.localeCompare(b.addresses));
  const rows: string[][] = [['ADDRESSES', 'PORT', 'MATCH', 'DESTINATION']];
  for (const k of keyed) {
    if (k.l.apiListener?.apiListener) {
      const hcm = k.l.apiListener.apiListener;
      const asChain = { filters: [{ name: 'envoy.filters.network.http_connection_manager', configType: { case: 'typedConfig' as const, value: hcm } }] } as unknown as listenerV3.FilterChain;
      rows.push([k.addresses, k.port, 'ALL', describeChainDestination(asChain)]);
      continue;
    }
    const chains = [...k.l.filterChains, ...(k.l.defaultFilterChain ? [k.l.defaultFilterChain] : [])]
      .map((c) => ({ match: describeChainMatch(c.filterChainMatch), destination: describeChainDestination(c) }))
      .sort((a, b) => (a.destination < b.destination ? 1 : a.destination > b.destination ? -1 : 0));
    for (const c of chains) rows.push([k.addresses, k.port, c.match, c.destination]);
  }
  return formatTable(rows, 1);
}

/** Domains as istioctl shows them: the single one, else the port-less ones without their expanded forms, at most two `+ N more...`. */
function describeDomains(domains: readonly string[]): string {
  if (domains.length <= 1) return domains[0] ?? '';
  const withoutPort = domains.filter((d) => !d.includes(':') || (d.split(':').length > 3 && d.endsWith(']')));
  const present = new Set(withoutPort);
  const shown = withoutPort.filter((d) => {
    const full = d.endsWith('.svc.cluster.local') && present.has(d.slice(0, -'.svc.cluster.local'.length));
    const partial = d.endsWith('.svc') && present.has(d.slice(0, -'.svc'.length));
    return !full && !partial;
  });
  return shown.length > 2 ? `${shown.slice(0, 2).join(', ')} + ${shown.length - 2} more...` : shown.join(', ');
}

/** `name.namespace` of the config in `metadata`, as istioctl's VIRTUAL SERVICE and DESTINATION RULE columns show it. */
function describeManagement(metadata: coreV3.Metadata | undefined): string {
  const ref = configRefOf(metadata);
  return ref ? `${ref.name}.${ref.namespace}` : '';
}

const isPassthrough = (r: routeV3.Route): boolean => r.action.case === 'route' && r.action.value.clusterSpecifier.case === 'cluster' && r.action.value.clusterSpecifier.value === PASSTHROUGH_CLUSTER;

/** `istioctl proxy-config routes`: NAME, VHOST NAME, DOMAINS, MATCH, VIRTUAL SERVICE; passthrough routes left out, an empty virtual host as `/*` `404`. */
function routesTable(routes: readonly routeV3.RouteConfiguration[]): string {
  const numeric = (n: string): number => (/^\d+$/.test(n) ? Number(n) : Number.POSITIVE_INFINITY);
  const sorted = [...routes].sort((a, b) => numeric(a.name) - numeric(b.name) || a.name.localeCompare(b.name));
  const rows: string[][] = [['NAME', 'VHOST NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE']];
  for (const rc of sorted) {
    for (const vh of rc.virtualHosts) {
      for (const r of vh.routes) if (!isPassthrough(r)) rows.push([rc.name, vh.name, describeDomains(vh.domains), describeRouteMatch(r.match), describeManagement(r.metadata)]);
      if (vh.routes.length === 0) rows.push([rc.name, vh.name, describeDomains(vh.domains), '/*', '404']);
    }
  }
  return formatTable(rows, 5);
}

/** Sort key of a cluster name as istioctl orders clusters and endpoints: host, subset, port, direction. */
function clusterOrder(a: string, b: string): number {
  const pa = parseClusterName(a);
  const pb = parseClusterName(b);
  const ka = pa ?? { host: a, subset: '', port: 0, direction: '' };
  const kb = pb ?? { host: b, subset: '', port: 0, direction: '' };
  return ka.host.localeCompare(kb.host) || ka.subset.localeCompare(kb.subset) || ka.port - kb.port || ka.direction.localeCompare(kb.direction);
}

/** `istioctl proxy-config clusters`: SERVICE FQDN, PORT, SUBSET, DIRECTION, TYPE, DESTINATION RULE. */
function clustersTable(clusters: readonly clusterV3.Cluster[]): string {
  const rows: string[][] = [['SERVICE FQDN', 'PORT', 'SUBSET', 'DIRECTION', 'TYPE', 'DESTINATION RULE']];
  for (const c of [...clusters].sort((a, b) => clusterOrder(a.name, b.name))) {
    const type = c.clusterDiscoveryType.case === 'type' ? clusterV3.Cluster_DiscoveryType[c.clusterDiscoveryType.value] : c.clusterDiscoveryType.case === 'clusterType' ? c.clusterDiscoveryType.value.name : 'STATIC';
    const p = parseClusterName(c.name);
    rows.push(p ? [p.host, String(p.port), p.subset || '-', p.direction, String(type), describeManagement(c.metadata)] : [c.name, '-', '-', '-', String(type), describeManagement(c.metadata)]);
  }
  return formatTable(rows, 5);
}

function localityText(l: coreV3.Locality | undefined): string {
  if (!l || (!l.region && !l.zone && !l.subZone)) return '';
  return [l.region, l.zone, l.subZone].join('/');
}

/** `istioctl proxy-config endpoints` (from a config dump): ENDPOINT, STATUS, LOCALITY, CLUSTER. */
function endpointsTable(assignments: readonly endpointV3.ClusterLoadAssignment[]): string {
  const rows: string[][] = [['ENDPOINT', 'STATUS', 'LOCALITY', 'CLUSTER']];
  for (const cla of [...assignments].sort((a, b) => clusterOrder(a.clusterName, b.clusterName))) {
    for (const group of cla.endpoints) {
      for (const ep of group.lbEndpoints) {
        const target = ep.hostIdentifier.case === 'endpoint' ? ep.hostIdentifier.value.address : undefined;
        const s = socketOf(target);
        const where = s ? `${s.address}:${s.port}` : target?.address.case === 'pipe' ? target.address.value.path : '';
        rows.push([where, coreV3.HealthStatus[ep.healthStatus] ?? String(ep.healthStatus), localityText(group.locality), cla.clusterName]);
      }
    }
  }
  return formatTable(rows, 5);
}

/**
 * The summary `istioctl proxy-config <kind>` prints for the same resources read from a config dump:
 * its columns, row order and wording (`Route: 9080`, `App: HTTP`, `reviews.default`), so lab output
 * can be compared line by line.
 */
export function proxyConfigTable(resources: EnvoyResources, kind: ProxyConfigKind): string {
  switch (kind) {
    case 'listeners': return listenersTable(resources.listeners);
    case 'routes': return routesTable(resources.routes);
    case 'clusters': return clustersTable(resources.clusters);
    case 'endpoints': return endpointsTable(resources.endpoints);
  }
}
