import type { routeV3 } from '@minipilot/envoy-api';
import { virtualHost } from '../builders/route.js';
import { buildHttpRoutes } from '../routes/http-route.js';
import { isExternalNameAlias } from '../model/service-aliases.js';
import { DEFAULT_DOMAIN_SUFFIX } from '../model/host.js';
import { aliasVirtualHostKey, type ResourceMemo } from '../cache-keys.js';
import type { PushContext, VirtualServiceModel } from '../model/push-context.js';
import type { ProxyView } from '../proxy.js';

/** The only port on which istiod gives hosts that name no service a virtual host of their own (route.go: "a gross HACK"). */
const NON_REGISTRY_HOST_PORT = 80;

/**
 * Virtual hosts for VirtualService hosts that name an ExternalName Service (an alias, which is no
 * service of its own since istiod 1.21, whether or not the host it names exists), as istiod builds them
 * (route.go buildSidecarVirtualHostsForVirtualService / separateVSHostsAndServices): the host is
 * not in the registry, so only the route configuration of port 80 gets a virtual host
 * `<alias>:80` whose only domain is the alias's FQDN, with the VirtualService's routes. istiod puts
 * it before the services' hosts, so it takes that domain from the concrete service's host, while
 * the alias's short names still reach the concrete service's default route; on other ports, sniffed
 * ones and TCP listeners the VirtualService does not apply (sidecar_simulation_test.go
 * TestExternalNameServices). Mesh-bound VirtualServices visible from the proxy's namespace, in
 * istiod's order; the first one naming an alias host wins it.
 */
export function aliasVirtualHosts(proxy: ProxyView, push: PushContext, port: number, warn: (message: string) => void, memo: ResourceMemo): { key: string; host: routeV3.VirtualHost }[] {
  if (port !== NON_REGISTRY_HOST_PORT) return [];
  const aliasHosts = new Set(push.config.ofKind('Service').filter(isExternalNameAlias).map((s) => `${s.metadata.name}.${s.metadata.namespace}.svc.${DEFAULT_DOMAIN_SUFFIX}`));
  if (aliasHosts.size === 0) return [];
  const out: { key: string; host: routeV3.VirtualHost }[] = [];
  const taken = new Set<string>();
  for (const vs of push.virtualServices) {
    if (!vs.gateways.includes('mesh') || !push.visibleTo(vs.exportTo, vs.config.metadata.namespace, proxy.namespace)) continue;
    for (const host of vs.hosts.filter((h) => aliasHosts.has(h) && !taken.has(h))) {
      taken.add(host);
      out.push(aliasVirtualHost(proxy, push, vs, host, port, warn, memo));
    }
  }
  return out.filter((h) => h.host.routes.length > 0);
}

function aliasVirtualHost(proxy: ProxyView, push: PushContext, vs: VirtualServiceModel, host: string, port: number, warn: (message: string) => void, memo: ResourceMemo): { key: string; host: routeV3.VirtualHost } {
  const key = aliasVirtualHostKey(proxy, push, host, port, vs);
  return { key, host: memo(key, () => virtualHost(`${host}:${port}`, [host], buildHttpRoutes({ push, proxy, vs, gateway: 'mesh', port, grpc: false, onProblem: warn }), true)) };
}
