import type { clusterV3 } from '@minipilot/envoy-api';
import { outboundClusterRefs } from './outbound-cluster-refs.js';
import { buildOutboundCluster, type ClusterWarn } from './outbound-cluster.js';
import { buildBlackHoleCluster, buildPassthroughCluster, buildInboundPassthroughCluster } from './special-clusters.js';
import { buildInboundClusters } from './inbound-clusters.js';
import type { PushContext } from '../model/push-context.js';
import type { Proxy, ProxyView } from '../proxy.js';
import { NO_MEMO, outboundClusterKey, type ResourceMemo } from '../cache-keys.js';

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
export function buildClusters(proxy: Proxy, push: PushContext, warn?: ClusterWarn, memo: ResourceMemo = NO_MEMO): clusterV3.Cluster[] {
  const report = dedupedWarn(warn);
  const out = [...buildScopeClusters(proxy, push, report, memo), ...buildWorkloadClusters(proxy, push, report)];
  const names = new Set<string>();
  return out.filter((c) => !names.has(c.name) && names.add(c.name));
}

/**
 * The clusters every proxy of a scope shares (see ProxyView): outbound clusters (+ subsets), each
 * through `memo` under {@link outboundClusterKey}, then BlackHoleCluster and, for sidecars,
 * PassthroughCluster.
 */
export function buildScopeClusters(view: ProxyView, push: PushContext, warn?: ClusterWarn, memo: ResourceMemo = NO_MEMO): clusterV3.Cluster[] {
  const report = dedupedWarn(warn);
  const out: clusterV3.Cluster[] = [];
  for (const ref of outboundClusterRefs(view, push)) {
    const c = memo(outboundClusterKey(ref, view, push), () => buildOutboundCluster(ref, view, push, report) ?? NO_CLUSTER);
    if (c !== NO_CLUSTER) out.push(c);
  }
  if (view.generator !== 'grpc') {
    out.push(buildBlackHoleCluster(push));
    if (view.type === 'sidecar') out.push(buildPassthroughCluster(view, push));
  }
  return out;
}

/** A sidecar's own clusters: the inbound clusters of the ports its workload serves and InboundPassthroughCluster. */
export function buildWorkloadClusters(proxy: Proxy, push: PushContext, warn?: ClusterWarn): clusterV3.Cluster[] {
  if (proxy.generator === 'grpc' || proxy.type !== 'sidecar') return [];
  const report = dedupedWarn(warn);
  return [...buildInboundClusters(proxy, push, report), buildInboundPassthroughCluster(proxy, push)];
}

/** Memo stand-in for "no cluster" (a DNS cluster without endpoints), so misses are cached too. */
const NO_CLUSTER = Object.freeze({}) as clusterV3.Cluster;

function dedupedWarn(warn: ClusterWarn | undefined): ClusterWarn {
  const seen = new Set<string>();
  return (source, message) => {
    const key = `${source}: ${message}`;
    if (warn && !seen.has(key)) { seen.add(key); warn(source, message); }
  };
}
