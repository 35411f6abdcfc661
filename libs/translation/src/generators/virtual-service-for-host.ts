import { hostMatches } from '../model/host.js';
import type { PushContext, VirtualServiceModel } from '../model/push-context.js';
import type { ProxyView } from '../proxy.js';

/**
 * The VirtualService that routes `hostname` for a sidecar or proxyless client: among those bound
 * to `mesh` and exported to the proxy's namespace, the oldest with an exact host match, else the
 * oldest with the most specific wildcard. istiod does not merge VirtualServices for sidecars.
 */
export function virtualServiceForHost(proxy: ProxyView, push: PushContext, hostname: string): VirtualServiceModel | undefined {
  const visible = (vs: VirtualServiceModel): boolean => push.visibleTo(vs.exportTo, vs.config.metadata.namespace, proxy.namespace);
  const { exact, wildcard } = push.meshVirtualServices(hostname);
  const found = exact.find(visible);
  if (found) return found;
  let best: { vs: VirtualServiceModel; len: number } | undefined;
  for (const vs of wildcard) {
    if (!visible(vs)) continue;
    for (const h of vs.hosts) {
      if (h.startsWith('*') && hostMatches(h, hostname) && (!best || h.length > best.len)) best = { vs, len: h.length };
    }
  }
  return best?.vs;
}
