import type { ServiceModel } from '../model/service.js';
import type { ServiceAlias } from '../model/service-aliases.js';
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
  const domains = namesOf(svc.hostname, svc.registry === 'Kubernetes' ? { name: svc.name, namespace: svc.namespace } : undefined, proxy);
  for (const a of aliases) domains.push(...namesOf(a.hostname, { name: a.hostname.slice(0, a.hostname.indexOf('.')), namespace: a.namespace }, proxy));
  if (svc.resolution === 'Passthrough' && svc.registry === 'Kubernetes') domains.push(...domains.map((d) => `*.${d}`));
  for (const a of svc.addresses) if (a !== '0.0.0.0') domains.push(a);
  return domains;
}

/** One host's names: itself, with a trailing dot, and for a Kubernetes service the short forms seen from the proxy's namespace. */
function namesOf(hostname: string, kube: { name: string; namespace: string } | undefined, proxy: ProxyView): string[] {
  const names = [hostname];
  if (!hostname.startsWith('*')) names.push(`${hostname}.`);
  if (kube) {
    const { name, namespace } = kube;
    if (namespace === proxy.namespace) names.push(name, `${name}.${namespace}.svc`, `${name}.${namespace}`);
    else names.push(`${name}.${namespace}`, `${name}.${namespace}.svc`);
  }
  return names;
}
