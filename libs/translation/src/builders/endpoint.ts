import { create } from '@bufbuild/protobuf';
import { endpointV3, coreV3 } from '@minipilot/envoy-api';
import { socketAddress } from './common.js';
import type { EndpointModel } from '../model/service.js';

/**
 * A ClusterLoadAssignment grouping endpoints by locality. Every locality carries `locality` (possibly
 * empty) and `load_balancing_weight` (the sum of its endpoint weights): gRPC clients NACK the first's
 * absence and silently drop localities without the second.
 */
export function clusterLoadAssignment(clusterName: string, endpoints: readonly EndpointModel[]): endpointV3.ClusterLoadAssignment {
  const groups = new Map<string, EndpointModel[]>();
  for (const e of endpoints) {
    const key = `${e.locality.region}/${e.locality.zone}/${e.locality.subZone}`;
    const list = groups.get(key) ?? [];
    list.push(e);
    groups.set(key, list);
  }
  const localities = [...groups.keys()].sort().map((key) => {
    const list = groups.get(key)!;
    const [region = '', zone = '', subZone = ''] = key.split('/');
    return create(endpointV3.LocalityLbEndpointsSchema, {
      locality: { region, zone, subZone },
      loadBalancingWeight: list.reduce((sum, e) => sum + e.weight, 0),
      lbEndpoints: list.map((e) => create(endpointV3.LbEndpointSchema, {
        hostIdentifier: { case: 'endpoint', value: { address: socketAddress(e.address, e.port) } },
        healthStatus: e.healthy ? coreV3.HealthStatus.HEALTHY : coreV3.HealthStatus.UNHEALTHY,
        loadBalancingWeight: e.weight,
      })),
    });
  });
  return create(endpointV3.ClusterLoadAssignmentSchema, { clusterName, endpoints: localities });
}
