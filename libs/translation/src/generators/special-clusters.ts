import { create } from '@bufbuild/protobuf';
import { clusterV3, coreV3 } from '@minipilot/envoy-api';
import { bindConfig, defaultCircuitBreakers, finishCluster, httpOptionsOf, metadataExchangeClusterFilter, setUseDownstreamProtocol, clusterDraft } from '../builders/cluster.js';
import { duration } from '../builders/common.js';
import { applyTcpKeepalive } from './cluster-traffic-policy.js';
import { BLACKHOLE_CLUSTER, PASSTHROUGH_CLUSTER, INBOUND_PASSTHROUGH_CLUSTER } from '../names.js';
import type { PushContext } from '../model/push-context.js';
import type { Proxy, ProxyView } from '../proxy.js';

/** The source address inbound passthrough traffic is bound to (iptables lets it through, avoiding a loop). */
export const INBOUND_PASSTHROUGH_BIND_IPV4 = '127.0.0.6';
/** The IPv6 counterpart of {@link INBOUND_PASSTHROUGH_BIND_IPV4}. */
export const INBOUND_PASSTHROUGH_BIND_IPV6 = '::6';

/**
 * `BlackHoleCluster`: a STATIC cluster without endpoints, so traffic routed to it fails at once
 * (unknown destinations under REGISTRY_ONLY, the 15001 loop guard).
 */
export function buildBlackHoleCluster(push: PushContext): clusterV3.Cluster {
  return create(clusterV3.ClusterSchema, {
    name: BLACKHOLE_CLUSTER,
    clusterDiscoveryType: { case: 'type', value: clusterV3.Cluster_DiscoveryType.STATIC },
    connectTimeout: duration(push.mesh.connectTimeout),
    lbPolicy: clusterV3.Cluster_LbPolicy.ROUND_ROBIN,
    altStatName: `${BLACKHOLE_CLUSTER};`,
  });
}

/**
 * `PassthroughCluster`: ORIGINAL_DST to wherever the application connected (ALLOW_ANY), HTTP
 * following the downstream protocol with a 5 minute idle timeout, default circuit breakers, the
 * mesh `tcpKeepalive` (istiod applies its connection pool defaults here) and, for istio-proxy, the
 * metadata-exchange filter.
 */
export function buildPassthroughCluster(proxy: Pick<ProxyView, 'istioProxy'>, push: PushContext): clusterV3.Cluster {
  const draft = clusterDraft(create(clusterV3.ClusterSchema, {
    name: PASSTHROUGH_CLUSTER,
    clusterDiscoveryType: { case: 'type', value: clusterV3.Cluster_DiscoveryType.ORIGINAL_DST },
    connectTimeout: duration(push.mesh.connectTimeout),
    lbPolicy: clusterV3.Cluster_LbPolicy.CLUSTER_PROVIDED,
    altStatName: `${PASSTHROUGH_CLUSTER};`,
    circuitBreakers: defaultCircuitBreakers(),
    filters: proxy.istioProxy ? [metadataExchangeClusterFilter()] : [],
  }));
  httpOptionsOf(draft).commonHttpProtocolOptions = create(coreV3.HttpProtocolOptionsSchema, { idleTimeout: duration('300s') });
  setUseDownstreamProtocol(draft);
  applyTcpKeepalive(draft.cluster, push.mesh.tcpKeepalive);
  return finishCluster(draft);
}

/**
 * `InboundPassthroughCluster`: the passthrough cluster for inbound traffic to ports no service
 * declares, bound to 127.0.0.6 (::6 for IPv6-only proxies, both for dual stack) and without the
 * metadata-exchange filter. Like istiod it keeps the `PassthroughCluster;` stat name.
 */
export function buildInboundPassthroughCluster(proxy: Proxy, push: PushContext): clusterV3.Cluster {
  const c = buildPassthroughCluster(proxy, push);
  c.name = INBOUND_PASSTHROUGH_CLUSTER;
  c.filters = [];
  const v6 = proxy.ips.some((ip) => ip.includes(':'));
  const v4 = proxy.ips.length === 0 || proxy.ips.some((ip) => !ip.includes(':'));
  c.upstreamBindConfig = bindConfig(v4 ? INBOUND_PASSTHROUGH_BIND_IPV4 : INBOUND_PASSTHROUGH_BIND_IPV6);
  if (v4 && v6) c.upstreamBindConfig.extraSourceAddresses = [create(coreV3.ExtraSourceAddressSchema, { address: { address: INBOUND_PASSTHROUGH_BIND_IPV6, portSpecifier: { case: 'portValue', value: 0 } } })];
  return c;
}
