import { create, type JsonObject } from '@bufbuild/protobuf';
import { endpointV3, coreV3 } from '@minipilot/envoy-api';
import { socketAddress } from './common.js';
import type { EndpointModel } from '../model/service.js';

/** Per-endpoint `metadata.filter_metadata` (e.g. `istio.workload`, `envoy.transport_socket_match.tlsMode`). */
export type EndpointMetadataFn = (endpoint: EndpointModel) => Readonly<Record<string, JsonObject>> | undefined;

/** Endpoints grouped by locality (`region/zone/subzone`), localities sorted, endpoint order kept. */
export function groupByLocality(endpoints: readonly EndpointModel[]): EndpointModel[][] {
  const groups = new Map<string, EndpointModel[]>();
  for (const e of endpoints) {
    const key = `${e.locality.region}/${e.locality.zone}/${e.locality.subZone}`;
    const list = groups.get(key) ?? [];
    list.push(e);
    groups.set(key, list);
  }
  return [...groups.keys()].sort().map((key) => groups.get(key)!);
}

/**
 * A ClusterLoadAssignment with one LocalityLbEndpoints per group of {@link groupByLocality}, in
 * order. Every locality carries `locality` (possibly empty) and `load_balancing_weight` (the sum
 * of its endpoint weights): gRPC clients NACK the first's absence and silently drop localities
 * without the second. Endpoints keep their order within a locality.
 */
export function localityGroupedAssignment(clusterName: string, groups: readonly (readonly EndpointModel[])[], metadata?: EndpointMetadataFn): endpointV3.ClusterLoadAssignment {
  const localities = groups.map((list) => {
    const { region, zone, subZone } = list[0]!.locality;
    return create(endpointV3.LocalityLbEndpointsSchema, {
      locality: { region, zone, subZone },
      loadBalancingWeight: list.reduce((sum, e) => sum + e.weight, 0),
      lbEndpoints: list.map((e) => lbEndpoint(e, metadata?.(e))),
    });
  });
  return create(endpointV3.ClusterLoadAssignmentSchema, { clusterName, endpoints: localities });
}

function lbEndpoint(e: EndpointModel, filterMetadata: Readonly<Record<string, JsonObject>> | undefined): endpointV3.LbEndpoint {
  return create(endpointV3.LbEndpointSchema, {
    hostIdentifier: { case: 'endpoint', value: { address: socketAddress(e.address, e.port) } },
    healthStatus: e.healthy ? coreV3.HealthStatus.HEALTHY : coreV3.HealthStatus.UNHEALTHY,
    loadBalancingWeight: e.weight,
    ...(filterMetadata && Object.keys(filterMetadata).length > 0 ? { metadata: { filterMetadata: { ...filterMetadata } } } : {}),
  });
}
