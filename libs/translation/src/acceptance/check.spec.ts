import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { anyPack, DurationSchema } from '@bufbuild/protobuf/wkt';
import { clusterV3, coreV3, endpointV3, hcmV3, listenerV3, routerV3, routeV3, tcpProxyV3, corsV3, TypeUrl } from '@minipilot/envoy-api';
import { checkConsistent } from '../consistency.js';
import type { EnvoyResources } from '../resources.js';
import { checkEnvoyResources, formatViolation } from './check.js';

const ads = { configSourceSpecifier: { case: 'ads' as const, value: {} } };
const router = () => create(hcmV3.HttpFilterSchema, { name: 'envoy.filters.http.router', configType: { case: 'typedConfig', value: anyPack(routerV3.RouterSchema, create(routerV3.RouterSchema)) } });
const cors = () => create(hcmV3.HttpFilterSchema, { name: 'envoy.filters.http.cors', configType: { case: 'typedConfig', value: anyPack(corsV3.CorsSchema, create(corsV3.CorsSchema)) } });
const addr = (port: number) => ({ address: { case: 'socketAddress' as const, value: { address: '0.0.0.0', portSpecifier: { case: 'portValue' as const, value: port } } } });

function hcmChain(rds: string, httpFilters = [router()], match?: MessageInitShape<typeof listenerV3.FilterChainMatchSchema>): listenerV3.FilterChain {
  const hcm = create(hcmV3.HttpConnectionManagerSchema, { statPrefix: `outbound_${rds}`, routeSpecifier: { case: 'rds', value: { routeConfigName: rds, configSource: ads } }, httpFilters });
  return create(listenerV3.FilterChainSchema, {
    ...(match ? { filterChainMatch: match } : {}),
    filters: [{ name: 'envoy.filters.network.http_connection_manager', configType: { case: 'typedConfig', value: anyPack(hcmV3.HttpConnectionManagerSchema, hcm) } }],
  });
}
function tcpChain(cluster: string, match?: MessageInitShape<typeof listenerV3.FilterChainMatchSchema>): listenerV3.FilterChain {
  return create(listenerV3.FilterChainSchema, {
    ...(match ? { filterChainMatch: match } : {}),
    filters: [{ name: 'envoy.filters.network.tcp_proxy', configType: { case: 'typedConfig', value: anyPack(tcpProxyV3.TcpProxySchema, create(tcpProxyV3.TcpProxySchema, { statPrefix: cluster, clusterSpecifier: { case: 'cluster', value: cluster } })) } }],
  });
}
const listener = (name: string, port: number, chains: listenerV3.FilterChain[]) => create(listenerV3.ListenerSchema, { name, address: addr(port), filterChains: chains });
const cluster = (name: string) => create(clusterV3.ClusterSchema, {
  name, clusterDiscoveryType: { case: 'type', value: clusterV3.Cluster_DiscoveryType.EDS }, edsClusterConfig: { serviceName: name, edsConfig: ads },
  connectTimeout: create(DurationSchema, { seconds: 10n }),
});
const cla = (name: string) => create(endpointV3.ClusterLoadAssignmentSchema, { clusterName: name });
const route = (cluster: string) => create(routeV3.RouteSchema, { match: { pathSpecifier: { case: 'prefix', value: '/' } }, action: { case: 'route', value: { clusterSpecifier: { case: 'cluster', value: cluster } } } });
const vhost = (name: string, domains: string[], cluster = 'c1') => create(routeV3.VirtualHostSchema, { name, domains, routes: [route(cluster)] });
const rc = (name: string, vhs: routeV3.VirtualHost[]) => create(routeV3.RouteConfigurationSchema, { name, virtualHosts: vhs });

function world(over: Partial<EnvoyResources> = {}): EnvoyResources {
  return {
    listeners: [listener('0.0.0.0_9080', 9080, [hcmChain('9080')])],
    routes: [rc('9080', [vhost('reviews:9080', ['reviews', 'reviews:9080'])])],
    clusters: [cluster('c1')],
    endpoints: [cla('c1')],
    nameTables: [],
    ...over,
  };
}
const summary = (vs: readonly { resourceName: string; field: string; rule: string }[]) => vs.map((v) => `${v.resourceName} ${v.field} ${v.rule}`);

describe('checkEnvoyResources', () => {
  it('accepts a consistent, valid set unchanged', () => {
    const res = world();
    const out = checkEnvoyResources(res);
    expect(out.violations).toEqual([]);
    expect(out.warnings).toEqual([]);
    expect(out.withheld).toEqual([]);
    expect(out.accepted.listeners).toEqual(res.listeners);
    expect(out.accepted.routes).toEqual(res.routes);
  });

  it('withholds an invalid cluster and reports its field', () => {
    const out = checkEnvoyResources(world({ clusters: [cluster('c1'), cluster('')], endpoints: [cla('c1'), cla('')] }));
    expect(summary(out.violations)).toEqual([' name string.min_len', ' cluster_name string.min_len']);
    expect(out.violations.map((v) => v.typeUrl)).toEqual([TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment]);
    expect(out.accepted.clusters.map((c) => c.name)).toEqual(['c1']);
    expect(out.withheld).toEqual([
      { typeUrl: TypeUrl.Cluster, name: '', index: 1, replacement: 'none' },
      { typeUrl: TypeUrl.ClusterLoadAssignment, name: '', index: 1, replacement: 'none' },
    ]);
    expect(formatViolation(out.violations[0]!)).toBe('Cluster "": name: string.min_len: value "" has 0 characters, must be at least 1');
  });

  it('reports a listener whose route configuration is missing (ref.rds) and withholds it', () => {
    const out = checkEnvoyResources(world({ routes: [] }));
    expect(out.violations).toEqual([{
      typeUrl: TypeUrl.Listener, resourceName: '0.0.0.0_9080', index: 0, rule: 'ref.rds',
      field: 'filter_chains[0].filters[0].typed_config.rds.route_config_name', message: 'route configuration "9080" does not exist',
    }]);
    expect(out.accepted.listeners).toEqual([]);
    expect(checkConsistent(out.accepted)).toEqual([]);
  });

  it('replaces a withheld route configuration still referenced by a listener with an empty one', () => {
    const out = checkEnvoyResources(world({ routes: [rc('9080', [vhost('a', ['reviews']), vhost('b', ['REVIEWS', 'x'])])] }));
    expect(summary(out.violations)).toEqual(['9080 virtual_hosts[1].domains[0] envoy.duplicate_domain']);
    expect(out.withheld).toEqual([{ typeUrl: TypeUrl.RouteConfiguration, name: '9080', index: 0, replacement: 'empty' }]);
    expect(out.accepted.routes).toEqual([create(routeV3.RouteConfigurationSchema, { name: '9080', validateClusters: false })]);
    expect(out.accepted.listeners).toHaveLength(1);
    expect(checkConsistent(out.accepted)).toEqual([]);
  });

  it('reports duplicate virtual host names', () => {
    const out = checkEnvoyResources(world({ routes: [rc('9080', [vhost('a', ['x']), vhost('a', ['y'])])] }));
    expect(summary(out.violations)).toEqual(['9080 virtual_hosts[1].name envoy.duplicate_virtual_host_name']);
  });

  it('reports an EDS cluster without a ClusterLoadAssignment (ref.eds)', () => {
    const out = checkEnvoyResources(world({ endpoints: [] }));
    expect(summary(out.violations)).toEqual(['c1 eds_cluster_config.service_name ref.eds']);
    expect(out.accepted.clusters).toEqual([]);
  });

  it('warns, without withholding, about routes and tcp_proxy naming unknown clusters', () => {
    const out = checkEnvoyResources(world({
      listeners: [listener('0.0.0.0_9080', 9080, [hcmChain('9080')]), listener('10.0.0.1_3306', 3306, [tcpChain('nope')])],
      routes: [rc('9080', [vhost('reviews:9080', ['reviews'], 'outbound|9080|v9|reviews.default.svc.cluster.local')])],
    }));
    expect(out.violations).toEqual([]);
    expect(summary(out.warnings)).toEqual([
      '10.0.0.1_3306 filter_chains[0].filters[0].typed_config.cluster ref.cluster',
      '9080 virtual_hosts[0].routes[0].route.cluster ref.cluster',
    ]);
    expect(out.accepted.listeners).toHaveLength(2);
  });

  it('withholds the second of two listeners with the same name', () => {
    const out = checkEnvoyResources(world({ listeners: [listener('l', 9080, [hcmChain('9080')]), listener('l', 9081, [hcmChain('9080')])] }));
    expect(out.violations.map((v) => [v.index, v.rule])).toEqual([[1, 'envoy.duplicate_name']]);
    expect(out.accepted.listeners.map((l) => (l.address!.address.value as coreV3.SocketAddress).portSpecifier.value)).toEqual([9080]);
  });

  it('reports filter chains that match the same connections', () => {
    const l = listener('0.0.0.0_443', 443, [
      tcpChain('c1', { serverNames: ['a.example', 'b.example'] }),
      tcpChain('c1', { serverNames: ['b.example'] }),
      tcpChain('c1', { serverNames: ['c.example'] }),
      tcpChain('c1', {}),
    ]);
    const out = checkEnvoyResources(world({ listeners: [l, ...world().listeners] }));
    expect(out.violations.map((v) => `${v.field} ${v.rule}`)).toEqual(['filter_chains[1].filter_chain_match envoy.duplicate_filter_chain_match']);
  });

  it('requires the router to be the last HTTP filter and a terminal network filter last', () => {
    const badHttp = listener('0.0.0.0_9080', 9080, [hcmChain('9080', [router(), cors()])]);
    expect(summary(checkEnvoyResources(world({ listeners: [badHttp] })).violations)).toEqual([
      '0.0.0.0_9080 filter_chains[0].filters[0].typed_config.http_filters[0] envoy.http_router_last',
      '0.0.0.0_9080 filter_chains[0].filters[0].typed_config.http_filters[1] envoy.http_router_last',
    ]);
    const chain = tcpChain('c1');
    chain.filters.push(chain.filters[0]!);
    const badTcp = listener('0.0.0.0_9080', 9080, [chain]);
    expect(summary(checkEnvoyResources(world({ listeners: [badTcp] })).violations)).toEqual(['0.0.0.0_9080 filter_chains[0].filters[0] envoy.terminal_filter']);
  });

  it('reports a socket listener without an address and an ORIGINAL_DST cluster without CLUSTER_PROVIDED', () => {
    const noAddr = create(listenerV3.ListenerSchema, { name: 'x', filterChains: [tcpChain('c1')] });
    const od = create(clusterV3.ClusterSchema, { name: 'PassthroughCluster', clusterDiscoveryType: { case: 'type', value: clusterV3.Cluster_DiscoveryType.ORIGINAL_DST }, connectTimeout: create(DurationSchema, { seconds: 10n }) });
    const out = checkEnvoyResources(world({ listeners: [noAddr, ...world().listeners], clusters: [cluster('c1'), od] }));
    expect(summary(out.violations)).toEqual(['x address envoy.listener_address', 'PassthroughCluster lb_policy envoy.original_dst_lb']);
  });

  it('checks weighted cluster totals', () => {
    const ra = create(routeV3.RouteSchema, {
      match: { pathSpecifier: { case: 'prefix', value: '/' } },
      action: { case: 'route', value: { clusterSpecifier: { case: 'weightedClusters', value: { clusters: [{ name: 'c1', weight: 50 }, { name: 'c1', weight: 40 }], totalWeight: 100 } } } },
    });
    const out = checkEnvoyResources(world({ routes: [rc('9080', [create(routeV3.VirtualHostSchema, { name: 'v', domains: ['*'], routes: [ra] })])] }));
    expect(summary(out.violations)).toEqual(['9080 virtual_hosts[0].routes[0].route.weighted_clusters envoy.weighted_clusters_total']);
  });
});
