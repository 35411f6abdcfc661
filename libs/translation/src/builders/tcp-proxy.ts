import { create } from '@bufbuild/protobuf';
import { listenerV3, tcpProxyV3 } from '@minipilot/envoy-api';
import { typed } from './common.js';

/** A weighted tcp_proxy destination. */
export interface WeightedTcpCluster {
  readonly name: string;
  readonly weight: number;
}

/**
 * The `envoy.filters.network.tcp_proxy` network filter: to one cluster (stat prefix = the cluster
 * name, as istiod sets it), or to weighted clusters with the given stat prefix.
 */
export function tcpProxyFilter(target: string | { statPrefix: string; clusters: readonly WeightedTcpCluster[] }, extra: Partial<Pick<tcpProxyV3.TcpProxy, 'idleTimeout' | 'maxDownstreamConnectionDuration' | 'hashPolicy'>> = {}): listenerV3.Filter {
  const tcp = typeof target === 'string'
    ? create(tcpProxyV3.TcpProxySchema, { statPrefix: target, clusterSpecifier: { case: 'cluster', value: target }, ...extra })
    : create(tcpProxyV3.TcpProxySchema, {
      statPrefix: target.statPrefix,
      clusterSpecifier: { case: 'weightedClusters', value: { clusters: target.clusters.map((c) => ({ name: c.name, weight: c.weight })) } },
      ...extra,
    });
  return create(listenerV3.FilterSchema, { name: 'envoy.filters.network.tcp_proxy', configType: { case: 'typedConfig', value: typed(tcpProxyV3.TcpProxySchema, tcp) } });
}
