import type { endpointV3 } from '@minipilot/envoy-api';
import { clusterLoadAssignment } from '../builders/endpoint.js';
import { matchesLabels } from '../model/service-registry.js';
import type { PushContext } from '../model/push-context.js';
import type { OutboundClusterRef } from './clusters.js';

/**
 * One ClusterLoadAssignment per outbound EDS cluster, named like the cluster: the service port's
 * endpoints whose labels contain the subset's labels. A cluster with no endpoints still gets an
 * (empty) assignment, so clients never wait for it.
 */
export function buildEndpoints(push: PushContext, refs: readonly OutboundClusterRef[]): endpointV3.ClusterLoadAssignment[] {
  return refs.map((ref) => {
    const eps = push.endpoints(ref.service.hostname, ref.port.port).filter((e) => matchesLabels(ref.subsetLabels, e.labels));
    return clusterLoadAssignment(ref.name, eps);
  });
}
