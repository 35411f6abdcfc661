import { hostMatches } from '../model/host.js';
import type { PushContext, VirtualServiceModel } from '../model/push-context.js';
import type { Proxy } from '../proxy.js';

/**
 * The VirtualService that routes `hostname` for a sidecar or proxyless client: among those bound
 * to `mesh` and exported to the proxy's namespace, the oldest with an exact host match, else the
 * oldest with the most specific wildcard. istiod does not merge VirtualServices for sidecars.
 */
export function virtualServiceForHost(proxy: Proxy, push: PushContext, hostname: string): VirtualServiceModel | undefined {
  let wildcard: { vs: VirtualServiceModel; len: number } | undefined;
  for (const vs of push.virtualServices) {
    if (!vs.gateways.includes('mesh')) continue;
    if (!push.visibleTo(vs.exportTo, vs.config.metadata.namespace, proxy.namespace)) continue;
    for (const h of vs.hosts) {
      if (h === hostname) return vs;
      if (h.startsWith('*') && hostMatches(h, hostname) && (!wildcard || h.length > wildcard.len)) wildcard = { vs, len: h.length };
    }
  }
  return wildcard?.vs;
}
