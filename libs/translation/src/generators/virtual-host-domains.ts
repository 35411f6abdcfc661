import type { ServiceModel } from '../model/service.js';
import { aliasNames, type ServiceAlias } from '../model/service-aliases.js';
import type { ProxyView } from '../proxy.js';

/**
 * The domains of a sidecar's virtual host for a service (istiod generateVirtualHostDomains; ports
 * are not appended because route configurations ignore the port in host matching): for the FQDN
 * and then each alias (ExternalName Services naming it), the name, the absolute name with a
 * trailing dot and the short forms a client in the proxy's namespace may use; for a headless
 * Kubernetes Service (Passthrough) each of those again behind `*.`, so StatefulSet pod names
 * (`web-0.web.default.svc.cluster.local`) reach it; then the service's VIPs. Example from
 * `default`: reviews.default.svc.cluster.local, reviews.default.svc.cluster.local., reviews,
 * reviews.default.svc, reviews.default, 10.96.1.2.
 */
export function virtualHostDomains(svc: ServiceModel, proxy: ProxyView, aliases: readonly ServiceAlias[] = []): string[] {
  const domains = namesOf(svc, proxy);
  for (const a of aliases) domains.push(...aliasNames(a, proxy.namespace));
  if (svc.resolution === 'Passthrough' && svc.registry === 'Kubernetes') domains.push(...domains.map((d) => `*.${d}`));
  for (const a of svc.addresses) if (a !== '0.0.0.0') domains.push(a);
  return domains;
}

/** A service's own names: its host, with a trailing dot, and for a Kubernetes service the short forms seen from the proxy's namespace. */
function namesOf(svc: ServiceModel, proxy: ProxyView): string[] {
  // GenerateAltVirtualHosts adds the absolute form to every host that is no IP, wildcards included (`*.example.com.`).
  const names = [svc.hostname, `${svc.hostname}.`];
  if (svc.registry === 'Kubernetes') {
    if (svc.namespace === proxy.namespace) names.push(svc.name, `${svc.name}.${svc.namespace}.svc`, `${svc.name}.${svc.namespace}`);
    else names.push(`${svc.name}.${svc.namespace}`, `${svc.name}.${svc.namespace}.svc`);
  }
  return names;
}
