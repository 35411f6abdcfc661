import type { endpointV3 } from '@minipilot/envoy-api';
import { groupByLocality, localityGroupedAssignment } from '../builders/endpoint.js';
import { applyLocalityLb, localityLbPlan } from './locality-lb.js';
import { endpointMetadata } from './endpoint-metadata.js';
import { outboundClusterRefs, refEndpoints, type OutboundClusterRef } from './outbound-cluster-refs.js';
import type { EndpointModel } from '../model/service.js';
import { endpointMtlsEnabled } from './auto-mtls.js';
import type { PushContext } from '../model/push-context.js';
import type { ProxyView } from '../proxy.js';
import { NO_MEMO, loadAssignmentKey, type ResourceMemo } from '../cache-keys.js';

/**
 * The EDS resources a proxy receives: one ClusterLoadAssignment per outbound EDS cluster, named like
 * the cluster (minipilot always uses the cluster name as EDS service name, so a CLA can be re-sent
 * whenever its cluster changes). Endpoints are the service port's ready endpoints whose labels
 * contain the subset's labels (not-ready ones are left out, as istiod ≤1.30 does by default),
 * grouped by locality with istiod's workload and tlsMode metadata (tlsMode only where auto-mTLS may
 * use it: see endpointMtlsEnabled); ServiceEntry endpoints that are
 * not IP addresses are dropped (Envoy EDS needs IPs). Locality load balancing (DestinationRule or
 * mesh `localityLbSetting`) sets priorities and weights relative to the proxy's locality, as
 * istiod's EndpointBuilder does. A cluster without endpoints gets an empty
 * assignment, so clients never wait for it. DNS and passthrough clusters carry no EDS resource.
 */
export function buildEndpoints(proxy: ProxyView, push: PushContext, memo: ResourceMemo = NO_MEMO): endpointV3.ClusterLoadAssignment[] {
  return outboundClusterRefs(proxy, push)
    .filter((ref) => ref.discovery === 'EDS')
    .map((ref) => memo(loadAssignmentKey(ref, push, proxy), () => {
      const eps = refEndpoints(ref, push).filter((e) => e.healthy && isIpAddress(e.address));
      return refLoadAssignment(ref, eps, proxy, push);
    }));
}

/**
 * A cluster's load assignment for a proxy: endpoints grouped by locality with istiod's metadata,
 * then, when locality load balancing applies to the cluster, the priorities and weights istiod
 * computes from the proxy's locality and labels ({@link applyLocalityLb}).
 */
export function refLoadAssignment(ref: OutboundClusterRef, endpoints: readonly EndpointModel[], proxy: Pick<ProxyView, 'locality' | 'labels'>, push: PushContext): endpointV3.ClusterLoadAssignment {
  const groups = groupByLocality(endpoints);
  const cla = localityGroupedAssignment(ref.name, groups, (e) => endpointMetadata(e, ref.service, push, endpointMtlsEnabled(e, ref, push)));
  const plan = localityLbPlan(ref.policy, push.mesh);
  if (plan) applyLocalityLb(cla, groups, plan, proxy.locality, proxy.labels);
  return cla;
}

/** True for an IPv4 or IPv6 literal (no hostname). */
export function isIpAddress(address: string): boolean {
  if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(address)) return true;
  return address.includes(':') && /^[0-9a-fA-F:.]+$/.test(address) && address.split('::').length <= 2;
}
