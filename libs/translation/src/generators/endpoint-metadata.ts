import type { JsonObject } from '@bufbuild/protobuf';
import { podByIp } from './service-identity.js';
import type { PushContext } from '../model/push-context.js';
import type { EndpointModel, ServiceModel } from '../model/service.js';

/** The Kubernetes cluster id istiod stamps on endpoints of its own cluster. */
export const DEFAULT_CLUSTER_ID = 'Kubernetes';

/** The pod label that marks a workload able to accept Istio mTLS. */
export const TLS_MODE_LABEL = 'security.istio.io/tlsMode';

/**
 * An endpoint's `filter_metadata` as istiod's endpoint builder writes it:
 * `istio.workload` = `<workload>;<namespace>;<canonical service>;<canonical revision>;<cluster>`
 * (revision `latest` left empty; the workload is the Pod's name, since minipilot does not read
 * owner references; a DNS ServiceEntry's own host gives `;;;;`) and, for workloads labelled
 * `security.istio.io/tlsMode: istio` (or ServiceEntry endpoints with a service account),
 * `envoy.transport_socket_match.tlsMode: istio`, which auto-mTLS transport socket matches select.
 * `mtlsEnabled`, when given, replaces the label check (EDS: istiod's mtlsChecker, see auto-mtls.ts).
 */
export function endpointMetadata(e: EndpointModel, service: ServiceModel, push: PushContext, mtlsEnabled?: boolean): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  const synthetic = service.registry === 'External' && e.address === service.hostname && Object.keys(e.labels).length === 0;
  if (synthetic) {
    out['istio'] = { workload: ';;;;' };
  } else {
    const pod = podByIp(push, service.namespace, e.address);
    const workload = pod?.metadata.name ?? '';
    const l = e.labels;
    const name = l['service.istio.io/canonical-name'] ?? l['app.kubernetes.io/name'] ?? l['app'] ?? workload;
    const rev = l['service.istio.io/canonical-revision'] ?? l['app.kubernetes.io/version'] ?? l['version'] ?? 'latest';
    out['istio'] = { workload: `${workload};${service.namespace};${name};${rev === 'latest' ? '' : rev};${DEFAULT_CLUSTER_ID}` };
  }
  if (mtlsEnabled ?? endpointTlsMode(e, service) === 'istio') out['envoy.transport_socket_match'] = { tlsMode: 'istio' };
  return out;
}

/**
 * An endpoint's TLS mode (istiod's IstioEndpoint.TLSMode): the `security.istio.io/tlsMode` label
 * (`istio` once a sidecar is injected), `istio` for ServiceEntry endpoints with a service account,
 * else `disabled`.
 */
export function endpointTlsMode(e: EndpointModel, service: ServiceModel): string {
  return e.labels[TLS_MODE_LABEL] ?? (service.registry === 'External' && e.serviceAccount ? 'istio' : 'disabled');
}
