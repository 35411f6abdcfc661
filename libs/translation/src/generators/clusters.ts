import type { JsonObject } from '@bufbuild/protobuf';
import { clusterV3 } from '@minipilot/envoy-api';
import type { TrafficPolicy } from '@minipilot/config';
import { clusterName } from '../names.js';
import { edsCluster, defaultCircuitBreakers } from '../builders/cluster.js';
import { duration, istioMetadata } from '../builders/common.js';
import { configMetadataPath } from '../names.js';
import type { PushContext } from '../model/push-context.js';
import type { ServiceModel, ServicePortModel } from '../model/service.js';
import type { Proxy } from '../proxy.js';

/** A service port (and subset) an outbound cluster serves; generators for EDS use the same list. */
export interface OutboundClusterRef {
  readonly name: string;
  readonly service: ServiceModel;
  readonly port: ServicePortModel;
  readonly subset: string;
  /** Subset labels endpoints must carry (empty for the default cluster). */
  readonly subsetLabels: Readonly<Record<string, string>>;
}

/** Services visible to a proxy: exported to its namespace (Sidecar scoping is not modelled yet). */
export function visibleServices(proxy: Proxy, push: PushContext): readonly ServiceModel[] {
  return push.services.filter((s) => push.visibleTo(s.exportTo, s.namespace, proxy.namespace));
}

/**
 * The outbound clusters a proxy gets: one per visible service port, plus one per DestinationRule
 * subset (`outbound|9080|v1|reviews.default.svc.cluster.local`), for services resolved by EDS.
 */
export function outboundClusterRefs(proxy: Proxy, push: PushContext): OutboundClusterRef[] {
  const refs: OutboundClusterRef[] = [];
  for (const svc of visibleServices(proxy, push)) {
    if (svc.resolution !== 'ClientSideLB') continue;
    const dr = push.destinationRule(proxy.namespace, svc.hostname);
    for (const port of svc.ports) {
      if (port.protocol === 'UDP') continue;
      refs.push({ name: clusterName('outbound', port.port, '', svc.hostname), service: svc, port, subset: '', subsetLabels: {} });
      for (const subset of dr?.subsets ?? []) {
        refs.push({ name: clusterName('outbound', port.port, subset.name, svc.hostname), service: svc, port, subset: subset.name, subsetLabels: subset.labels ?? {} });
      }
    }
  }
  return refs;
}

/**
 * Builds the outbound EDS clusters for `proxy` with istiod's defaults (connect timeout from mesh
 * config, all circuit-breaker thresholds at the maximum) and the DestinationRule's policy (subset
 * policy over port-level over top-level). Proxyless gRPC clients only accept ROUND_ROBIN and
 * RING_HASH, so they get ROUND_ROBIN where Envoy gets istiod's LEAST_REQUEST.
 */
export function buildOutboundClusters(proxy: Proxy, push: PushContext, refs: readonly OutboundClusterRef[]): clusterV3.Cluster[] {
  return refs.map((ref) => {
    const dr = push.destinationRule(proxy.namespace, ref.service.hostname);
    const policy = effectivePolicy(dr?.trafficPolicy, dr?.subsets.find((s) => s.name === ref.subset)?.trafficPolicy, ref.port.port);
    const pool = policy?.connectionPool;
    const metadataFields: JsonObject = {
      services: [{ host: ref.service.hostname, name: ref.service.name, namespace: ref.service.namespace }],
      ...(ref.subset ? { subset: ref.subset } : {}),
    };
    const drConfig = dr?.configs[0];
    if (drConfig) metadataFields['config'] = configMetadataPath('DestinationRule', drConfig.apiVersion, drConfig.metadata.namespace, drConfig.metadata.name);
    return edsCluster({
      name: ref.name,
      connectTimeout: duration(pool?.tcp?.connectTimeout ?? push.mesh.connectTimeout),
      lbPolicy: lbPolicy(policy, proxy),
      circuitBreakers: defaultCircuitBreakers({
        ...(pool?.tcp?.maxConnections ? { maxConnections: pool.tcp.maxConnections } : {}),
        ...(pool?.http?.http1MaxPendingRequests ? { maxPendingRequests: pool.http.http1MaxPendingRequests } : {}),
        ...(pool?.http?.http2MaxRequests ? { maxRequests: pool.http.http2MaxRequests } : {}),
        ...(pool?.http?.maxRetries ? { maxRetries: pool.http.maxRetries } : {}),
      }),
      metadata: istioMetadata(metadataFields),
      altStatName: `${ref.name};`,
    });
  });
}

/**
 * istiod's policy precedence for one port of one subset: a matching `portLevelSettings` entry
 * replaces the top-level policy for that port; the subset's policy then overrides per component.
 */
export function effectivePolicy(top: TrafficPolicy | undefined, subset: TrafficPolicy | undefined, port: number): TrafficPolicy | undefined {
  const portLevel = (p: TrafficPolicy | undefined): TrafficPolicy | undefined => {
    const pl = p?.portLevelSettings?.find((s) => s.port?.number === port);
    if (!pl) return p;
    const { port: _port, ...rest } = pl;
    return rest;
  };
  const base = portLevel(top);
  const sub = portLevel(subset);
  if (!sub) return base;
  return {
    ...base,
    ...(sub.connectionPool ? { connectionPool: sub.connectionPool } : {}),
    ...(sub.outlierDetection ? { outlierDetection: sub.outlierDetection } : {}),
    ...(sub.loadBalancer ? { loadBalancer: sub.loadBalancer } : {}),
    ...(sub.tls ? { tls: sub.tls } : {}),
  };
}

function lbPolicy(policy: TrafficPolicy | undefined, proxy: Proxy): clusterV3.Cluster_LbPolicy {
  const lb = policy?.loadBalancer;
  const P = clusterV3.Cluster_LbPolicy;
  if (lb?.consistentHash) return P.RING_HASH;
  if (proxy.generator === 'grpc') return P.ROUND_ROBIN;
  switch (lb?.simple) {
    case 'ROUND_ROBIN': return P.ROUND_ROBIN;
    case 'RANDOM': return P.RANDOM;
    default: return P.LEAST_REQUEST;
  }
}
