import type { ServiceModel } from '../model/service.js';
import type { ProxyView } from '../proxy.js';

/**
 * The domains of a sidecar's virtual host for a service (istiod generateVirtualHostDomains; ports
 * are not appended because route configurations ignore the port in host matching): the FQDN, the
 * absolute FQDN with a trailing dot, the short forms a client in the proxy's namespace may use, then
 * the service's VIPs. Example from `default`: reviews.default.svc.cluster.local,
 * reviews.default.svc.cluster.local., reviews, reviews.default.svc, reviews.default, 10.96.1.2.
 */
export function virtualHostDomains(svc: ServiceModel, proxy: ProxyView): string[] {
  // GenerateAltVirtualHosts adds the absolute form to every host that is no IP, wildcards included (`*.example.com.`).
  const domains = [svc.hostname, `${svc.hostname}.`];
  if (svc.registry === 'Kubernetes') {
    if (svc.namespace === proxy.namespace) domains.push(svc.name, `${svc.name}.${svc.namespace}.svc`, `${svc.name}.${svc.namespace}`);
    else domains.push(`${svc.name}.${svc.namespace}`, `${svc.name}.${svc.namespace}.svc`);
  }
  for (const a of svc.addresses) if (a !== '0.0.0.0') domains.push(a);
  return domains;
}
