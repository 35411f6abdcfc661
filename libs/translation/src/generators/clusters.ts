import type { clusterV3 } from '@minipilot/envoy-api';
import { outboundClusterRefs } from './outbound-cluster-refs.js';
import { buildOutboundCluster, type ClusterWarn } from './outbound-cluster.js';
import { buildBlackHoleCluster, buildPassthroughCluster, buildInboundPassthroughCluster } from './special-clusters.js';
import { buildInboundClusters } from './inbound-clusters.js';
import type { PushContext } from '../model/push-context.js';
import type { Proxy } from '../proxy.js';

export { outboundClusterRefs, visibleServices, refEndpoints } from './outbound-cluster-refs.js';
export type { OutboundClusterRef, OutboundDiscovery } from './outbound-cluster-refs.js';
export { effectivePolicy, portLevelPolicy } from './cluster-traffic-policy.js';
export type { ClusterWarn } from './outbound-cluster.js';

/**
 * The CDS resources a proxy receives, in istiod's build order (duplicate names: the first wins):
 * - sidecars: outbound clusters (+ subsets), BlackHoleCluster, PassthroughCluster, the inbound
 *   clusters of its own service ports, InboundPassthroughCluster;
 * - gateways (`router`): outbound clusters (+ subsets) and BlackHoleCluster;
 * - proxyless gRPC clients: only their EDS / LOGICAL_DNS outbound clusters.
 * `warn` hears about config minipilot cannot honour (message per source object, deduplicated); the
 * affected clusters are still built the nearest safe way.
 */
export function buildClusters(proxy: Proxy, push: PushContext, warn?: ClusterWarn): clusterV3.Cluster[] {
  const seen = new Set<string>();
  const report: ClusterWarn = (source, message) => {
    const key = `${source}: ${message}`;
    if (warn && !seen.has(key)) { seen.add(key); warn(source, message); }
  };
  const out: clusterV3.Cluster[] = [];
  for (const ref of outboundClusterRefs(proxy, push)) {
    const c = buildOutboundCluster(ref, proxy, push, report);
    if (c) out.push(c);
  }
  if (proxy.generator !== 'grpc') {
    out.push(buildBlackHoleCluster(push));
    if (proxy.type === 'sidecar') {
      out.push(buildPassthroughCluster(proxy, push));
      out.push(...buildInboundClusters(proxy, push, report));
      out.push(buildInboundPassthroughCluster(proxy, push));
    }
  }
  const names = new Set<string>();
  return out.filter((c) => !names.has(c.name) && names.add(c.name));
}
