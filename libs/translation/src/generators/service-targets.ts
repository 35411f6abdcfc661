import type { PushContext } from '../model/push-context.js';
import type { ServiceModel, ServicePortModel } from '../model/service.js';
import type { Proxy } from '../proxy.js';

/** A service port the proxy's own workload serves (istiod's ServiceTarget). */
export interface ServiceTarget {
  readonly service: ServiceModel;
  readonly port: ServicePortModel;
  /** The workload port traffic arrives on (the endpoint's port). */
  readonly targetPort: number;
}

/**
 * The service ports a sidecar serves: registry services with an endpoint on one of the proxy's IPs
 * (node id IP or INSTANCE_IPS), one entry per distinct target port, sorted by target port.
 * These drive the inbound listener chains and `inbound|<targetPort>||` clusters.
 */
export function serviceTargets(proxy: Proxy, push: PushContext): ServiceTarget[] {
  const ips = new Set(proxy.ips);
  const out: ServiceTarget[] = [];
  const seen = new Set<number>();
  for (const service of servicesAt(proxy.ips, push)) {
    if (service.registry !== 'Kubernetes' && service.resolution !== 'ClientSideLB') continue;
    for (const port of service.ports) {
      for (const ep of push.endpoints(service.hostname, port.port)) {
        if (!ips.has(ep.address) || seen.has(ep.port)) continue;
        seen.add(ep.port);
        out.push({ service, port, targetPort: ep.port });
      }
    }
  }
  return out.sort((a, b) => a.targetPort - b.targetPort);
}

/**
 * The services with an endpoint on one of `ips`, in the push context's service order (by hostname),
 * from its endpoint-address index rather than a scan of every service.
 */
export function servicesAt(ips: readonly string[], push: PushContext): ServiceModel[] {
  const hosts = new Set(ips.flatMap((ip) => push.servedAt(ip).map((entry) => entry.slice(0, entry.indexOf('|')))));
  return [...hosts].flatMap((h) => push.serviceByHostname(h) ?? []).sort((a, b) => a.hostname.localeCompare(b.hostname));
}
