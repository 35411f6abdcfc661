import { isHttpProtocol } from '../model/protocol.js';
import { parseIp } from '../simulate/ip.js';
import type { PushContext } from '../model/push-context.js';
import type { ServiceModel, ServicePortModel } from '../model/service.js';

/**
 * Where the outbound listeners of a Passthrough service without VIP (a headless Kubernetes Service,
 * or an address-less ServiceEntry with resolution NONE) bind on a TCP, TLS or sniffed port, as
 * istiod's buildSidecarOutboundListeners decides ("Support statefulsets/headless services with TCP
 * ports"): one listener per endpoint IP (`10.1.0.1_5432`), so traffic to any other IP on the port
 * falls through to virtualOutbound; none for a Kubernetes Service without endpoints, or an entry
 * that selects workloads (workloadSelector) but has no endpoint yet. Undefined when
 * the rule does not apply (other services, HTTP ports) or when the entry has no endpoints and no
 * selector: then istiod falls back to the 0.0.0.0 listener. (istiod also skips the proxy's own IP,
 * which a listener shared by every workload of a scope cannot know.)
 */
export function passthroughEndpointBinds(svc: ServiceModel, port: ServicePortModel, push: PushContext): readonly string[] | undefined {
  if (svc.resolution !== 'Passthrough' || svc.addresses.length > 0 || (svc.cidrs?.length ?? 0) > 0 || isHttpProtocol(port.protocol) || port.protocol === 'UDP') return undefined;
  const ips = [...new Set(push.endpoints(svc.hostname, port.port).map((e) => e.address).filter((a) => parseIp(a) !== undefined))];
  if (ips.length > 0 || svc.registry === 'Kubernetes') return ips;
  const source = push.config.objects.get(svc.configKey);
  const selects = source?.kind === 'ServiceEntry' && source.spec.workloadSelector !== undefined;
  return selects ? [] : undefined;
}
