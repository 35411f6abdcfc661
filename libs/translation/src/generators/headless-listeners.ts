import { isHttpProtocol, type Protocol } from '../model/protocol.js';
import { visibleServices } from './outbound-cluster-refs.js';
import { serviceEntryOf } from './service-identity.js';
import { isIpAddress } from './endpoints.js';
import type { PushContext } from '../model/push-context.js';
import type { ServiceModel } from '../model/service.js';
import type { ProxyView } from '../proxy.js';

/** True for port protocols istiod gives per-endpoint listeners on a service without VIP (protocol.IsTCP or IsUnsupported). */
function perEndpointProtocol(p: Protocol): boolean {
  return p !== 'UDP' && !isHttpProtocol(p);
}

/** True for a service istiod reaches through its endpoints' own addresses: resolution Passthrough (headless, or a ServiceEntry with `resolution: NONE`) without a VIP. */
export function isPassthroughWithoutVip(svc: ServiceModel): boolean {
  return svc.resolution === 'Passthrough' && svc.addresses.length === 0;
}

/**
 * The IP addresses of the endpoints of a Passthrough service port that get a listener of their own,
 * or undefined when istiod falls back to a 0.0.0.0 listener: a ServiceEntry (not a Kubernetes
 * Service) without endpoints and without a workloadSelector. A Kubernetes Service without
 * endpoints gets no listener on the port at all (empty list).
 */
export function endpointListenerAddresses(svc: ServiceModel, port: number, push: PushContext): readonly string[] | undefined {
  const eps = push.endpoints(svc.hostname, port);
  if (eps.length === 0 && svc.registry !== 'Kubernetes' && !serviceEntryOf(svc, push)?.spec.workloadSelector) return undefined;
  return [...new Set(eps.map((e) => e.address).filter(isIpAddress))];
}

/**
 * The services a sidecar's outbound listeners are built for, with istiod's handling of services
 * without VIP and resolution Passthrough (listener.go buildSidecarOutboundListeners, "Support
 * statefulsets/headless services with TCP ports"): their HTTP ports keep the shared `0.0.0.0_PORT`
 * listener (routes tell services apart; the ORIGINAL_DST cluster reaches the pod), while each TCP
 * or sniffed port gets one listener per endpoint address, `<podIP>_<port>`, as if the endpoint were
 * the service's VIP (the per-endpoint copies below carry that address). A Kubernetes Service
 * without endpoints gets none; a ServiceEntry without endpoints or workloadSelector keeps its
 * 0.0.0.0 listener. Not modelled: istiod skips the endpoint that is the proxy itself (outbound
 * generators do not see the proxy's IPs, so replicas share their listeners); traffic to oneself
 * then takes `outbound|PORT||svc` (ORIGINAL_DST to the same address) instead of PassthroughCluster.
 * istiod's PILOT_ENABLE_HEADLESS_FILTER_CHAIN_LISTENER (off by default) is not modelled either.
 * Services come in istiod's order (SortServicesByCreationTime), which decides listener conflicts.
 */
export function outboundListenerServices(proxy: ProxyView, push: PushContext): ServiceModel[] {
  const out: ServiceModel[] = [];
  for (const svc of [...visibleServices(proxy, push)].sort(creationOrder)) {
    if (!isPassthroughWithoutVip(svc)) {
      out.push(svc);
      continue;
    }
    const shared = svc.ports.filter((p) => !perEndpointProtocol(p.protocol) || endpointListenerAddresses(svc, p.port, push) === undefined);
    if (shared.length > 0) out.push(shared.length === svc.ports.length ? svc : { ...svc, ports: shared });
    const byAddress = new Map<string, ServiceModel['ports'][number][]>();
    for (const p of svc.ports) {
      if (!perEndpointProtocol(p.protocol)) continue;
      for (const address of endpointListenerAddresses(svc, p.port, push) ?? []) byAddress.set(address, [...(byAddress.get(address) ?? []), p]);
    }
    for (const [address, ports] of byAddress) out.push({ ...svc, addresses: [address], ports });
  }
  return out;
}

/** istiod's SortServicesByCreationTime: creation time (missing counts as equal), then name, then namespace. */
function creationOrder(a: ServiceModel, b: ServiceModel): number {
  const ta = a.creationTimestamp ? Date.parse(a.creationTimestamp) : NaN;
  const tb = b.creationTimestamp ? Date.parse(b.creationTimestamp) : NaN;
  if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta - tb;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0;
}
