import { toBinary } from '@bufbuild/protobuf';
import { TypeUrl, listenerV3, routeV3, clusterV3, endpointV3 } from '@minipilot/envoy-api';
import { createResource, createSnapshot, type XdsSnapshot, type XdsResource } from '@minipilot/xds-server';
import type { EnvoyResources } from '@minipilot/translation';

/**
 * Encodes generated resources once into an xDS snapshot (the bytes are shared by every stream of
 * every proxy in the same view). Secrets are not served yet, so SDS is an empty, known type.
 */
export function encodeSnapshot(res: EnvoyResources): XdsSnapshot {
  const enc = <T>(items: readonly T[], name: (t: T) => string, bytes: (t: T) => Uint8Array): XdsResource[] =>
    items.map((it) => createResource(name(it), bytes(it)));
  return createSnapshot({
    [TypeUrl.Cluster]: enc(res.clusters, (c) => c.name, (c) => toBinary(clusterV3.ClusterSchema, c)),
    [TypeUrl.ClusterLoadAssignment]: enc(res.endpoints, (e) => e.clusterName, (e) => toBinary(endpointV3.ClusterLoadAssignmentSchema, e)),
    [TypeUrl.Listener]: enc(res.listeners, (l) => l.name, (l) => toBinary(listenerV3.ListenerSchema, l)),
    [TypeUrl.RouteConfiguration]: enc(res.routes, (r) => r.name, (r) => toBinary(routeV3.RouteConfigurationSchema, r)),
    [TypeUrl.Secret]: [],
  });
}
