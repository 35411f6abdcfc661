import { create } from '@bufbuild/protobuf';
import { clusterV3, coreV3 } from '@minipilot/envoy-api';
import { adsConfigSource, millis } from './common.js';

/** Envoy's "no limit" for circuit-breaker thresholds, as istiod sets them by default. */
export const MAX_UINT32 = 4294967295;

/** Options for {@link edsCluster}. */
export interface EdsClusterOptions {
  readonly name: string;
  readonly connectTimeout: clusterV3.Cluster['connectTimeout'];
  readonly lbPolicy: clusterV3.Cluster_LbPolicy;
  readonly metadata?: coreV3.Metadata;
  readonly circuitBreakers?: clusterV3.CircuitBreakers;
  readonly altStatName?: string;
}

/**
 * A Cluster whose endpoints come over ADS (EDS) under the cluster's own name, as istiod names EDS
 * services (so an EDS resource always has its cluster's name).
 */
export function edsCluster(o: EdsClusterOptions): clusterV3.Cluster {
  return create(clusterV3.ClusterSchema, {
    name: o.name,
    clusterDiscoveryType: { case: 'type', value: clusterV3.Cluster_DiscoveryType.EDS },
    edsClusterConfig: { serviceName: o.name, edsConfig: adsConfigSource(millis(0)) },
    ...(o.connectTimeout ? { connectTimeout: o.connectTimeout } : {}),
    lbPolicy: o.lbPolicy,
    ...(o.circuitBreakers ? { circuitBreakers: o.circuitBreakers } : {}),
    ...(o.metadata ? { metadata: o.metadata } : {}),
    ...(o.altStatName ? { altStatName: o.altStatName } : {}),
  });
}

/** istiod's default circuit breakers: every threshold at the maximum, with remaining-capacity tracking. */
export function defaultCircuitBreakers(overrides: Partial<Record<'maxConnections' | 'maxPendingRequests' | 'maxRequests' | 'maxRetries', number>> = {}): clusterV3.CircuitBreakers {
  return create(clusterV3.CircuitBreakersSchema, {
    thresholds: [{
      maxConnections: overrides.maxConnections ?? MAX_UINT32,
      maxPendingRequests: overrides.maxPendingRequests ?? MAX_UINT32,
      maxRequests: overrides.maxRequests ?? MAX_UINT32,
      maxRetries: overrides.maxRetries ?? MAX_UINT32,
      trackRemaining: true,
    }],
  });
}
