import type { TrafficPolicy } from '@minipilot/config';
import { mtlsModeForPort, type MtlsMode } from '../model/peer-authentication.js';
import { shortHash, type PushContext } from '../model/push-context.js';
import type { EndpointModel, ServiceModel, ServicePortModel } from '../model/service.js';
import { endpointTlsMode } from './endpoint-metadata.js';
import type { OutboundClusterRef } from './outbound-cluster-refs.js';

/**
 * What a client may assume about a destination's mTLS mode (istiod's BestEffortInferServiceMTLSMode):
 * `UNKNOWN` for mesh-external services; for passthrough (headless services, or a `PASSTHROUGH` load
 * balancer) DISABLE when the port has no endpoint or one without the `istio` tlsMode; otherwise the
 * namespace-level PeerAuthentication mode of the service's namespace (else the mesh's, else
 * PERMISSIVE). Auto-mTLS is off for DISABLE and UNKNOWN.
 */
export function serviceMtlsMode(service: ServiceModel, port: ServicePortModel, policy: TrafficPolicy | undefined, push: PushContext): MtlsMode | 'UNKNOWN' {
  if (service.meshExternal) return 'UNKNOWN';
  if (service.resolution === 'Passthrough' || policy?.loadBalancer?.simple === 'PASSTHROUGH') {
    const eps = push.endpoints(service.hostname, port.port);
    if (eps.length === 0 || eps.some((e) => endpointTlsMode(e, service) !== 'istio')) return 'DISABLE';
  }
  return push.peerAuthentication.namespaceMode(service.namespace);
}

/**
 * Whether a load-assignment endpoint gets the `tlsMode: istio` transport-socket-match metadata that
 * auto-mTLS selects (istiod's mtlsChecker.checkMtlsEnabled): a DestinationRule TLS mode for the
 * cluster decides alone (only ISTIO_MUTUAL); else the endpoint must have a sidecar (tlsMode `istio`)
 * and the PeerAuthentication of its workload must not DISABLE mTLS on its port.
 */
export function endpointMtlsEnabled(e: EndpointModel, ref: OutboundClusterRef, push: PushContext): boolean {
  const drMode = ref.policy?.tls?.mode;
  if (drMode) return drMode === 'ISTIO_MUTUAL';
  if (endpointTlsMode(e, ref.service) !== 'istio') return false;
  return mtlsModeForPort(push.peerAuthentication.forWorkload(ref.service.namespace, e.labels), e.port) !== 'DISABLE';
}

const fingerprints = new WeakMap<PushContext, Map<string, string>>();

/**
 * A short string that changes whenever {@link endpointMtlsEnabled} changes for some endpoint of the
 * cluster (for its load-assignment cache key): the DestinationRule's TLS mode, and which endpoints
 * a PeerAuthentication DISABLEs. Computed once per push and service port.
 */
export function endpointMtlsKey(ref: OutboundClusterRef, push: PushContext): string {
  const drMode = ref.policy?.tls?.mode;
  if (drMode) return drMode;
  let byPort = fingerprints.get(push);
  if (!byPort) fingerprints.set(push, (byPort = new Map()));
  const key = `${ref.service.hostname}|${ref.port.port}`;
  let fp = byPort.get(key);
  if (fp === undefined) {
    const disabled = push.endpoints(ref.service.hostname, ref.port.port)
      .filter((e) => endpointTlsMode(e, ref.service) === 'istio' && mtlsModeForPort(push.peerAuthentication.forWorkload(ref.service.namespace, e.labels), e.port) === 'DISABLE')
      .map((e) => `${e.address}:${e.port}`);
    fp = disabled.length === 0 ? '' : shortHash(disabled.join(','));
    byPort.set(key, fp);
  }
  return fp;
}
