import { create, toBinary } from '@bufbuild/protobuf';
import { TypeUrl, PUSH_ORDER, typeShortName, discoveryV3, listenerV3, routeV3, clusterV3, endpointV3 } from '@minipilot/envoy-api';
import type { XdsSnapshot } from '@minipilot/xds-server';
import type { EnvoyResources } from '@minipilot/translation';

/**
 * Encodes every resource with `toBinary` and nothing else (no hashing, no indexing): the
 * serialization floor of a push. Returns the encoded sizes by type URL.
 */
export function toBinaryAll(res: EnvoyResources): Record<string, number[]> {
  return {
    [TypeUrl.Cluster]: res.clusters.map((c) => toBinary(clusterV3.ClusterSchema, c).length),
    [TypeUrl.ClusterLoadAssignment]: res.endpoints.map((e) => toBinary(endpointV3.ClusterLoadAssignmentSchema, e).length),
    [TypeUrl.Listener]: res.listeners.map((l) => toBinary(listenerV3.ListenerSchema, l).length),
    [TypeUrl.RouteConfiguration]: res.routes.map((r) => toBinary(routeV3.RouteConfigurationSchema, r).length),
  };
}

/**
 * Builds and serializes one SotW DiscoveryResponse per type from a snapshot's already-encoded bytes,
 * as the ADS server does on a push: the write-only cost (nothing is translated or re-encoded).
 * Returns the total bytes written.
 */
export function writeResponses(snapshot: XdsSnapshot): number {
  let bytes = 0;
  for (const typeUrl of PUSH_ORDER) {
    const resources = [...(snapshot.resources.get(typeUrl)?.values() ?? [])];
    const msg = create(discoveryV3.DiscoveryResponseSchema, {
      versionInfo: snapshot.version(typeUrl),
      typeUrl,
      nonce: '1',
      resources: resources.map((r) => ({ typeUrl, value: r.value })),
    });
    bytes += toBinary(discoveryV3.DiscoveryResponseSchema, msg).length;
  }
  return bytes;
}

/** Per xDS type (cds, eds, lds, rds): resources/msg and kB/msg, as Istio's benchmarks report them. */
export interface TypeSize {
  readonly type: string;
  readonly resources: number;
  readonly kB: number;
}

/** Returns resources/msg and kB/msg of each type of a snapshot, in push order. */
export function snapshotSizes(snapshot: XdsSnapshot): TypeSize[] {
  return PUSH_ORDER.map((typeUrl) => {
    const resources = [...(snapshot.resources.get(typeUrl)?.values() ?? [])];
    const bytes = resources.reduce((n, r) => n + r.value.length, 0);
    return { type: typeShortName[typeUrl], resources: resources.length, kB: Math.round(bytes / 102.4) / 10 };
  });
}
