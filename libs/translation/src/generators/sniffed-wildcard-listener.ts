import type { listenerV3 } from '@minipilot/envoy-api';
import { filterChain, listenerFilter } from '../builders/listener.js';
import { tcpProxyFilter } from '../builders/tcp-proxy.js';
import { BLACKHOLE_CLUSTER, PASSTHROUGH_CLUSTER } from '../names.js';
import type { PushContext } from '../model/push-context.js';

/** True when a chain matches every connection (istiod filterChainOpts.isMatchAll): no SNI, ALPN, transport or CIDR condition. */
function isMatchAll(chain: listenerV3.FilterChain): boolean {
  const m = chain.filterChainMatch;
  return !m || (m.serverNames.length === 0 && m.applicationProtocols.length === 0 && m.transportProtocol === '' && m.prefixRanges.length === 0);
}

/**
 * The chains of a sniffed outbound listener on 0.0.0.0 that carries HTTP and TCP services of one
 * port (istiod's merge of HTTP, sniffed and TCP service ports, listener.go buildListenerFromEntry):
 * the HTTP chain (plaintext HTTP/1.1 or h2c, the port's route configuration), the TCP/TLS chains
 * of the services in order, a match-all chain becoming the default chain (the last one wins), else
 * `PassthroughFilterChain` to the catch-all cluster of the outbound traffic policy; the TLS
 * inspector when a chain matches on SNI, then the HTTP inspector.
 */
export function sniffedWildcardChains(http: listenerV3.FilterChain, tcp: readonly listenerV3.FilterChain[], push: PushContext): { filterChains: listenerV3.FilterChain[]; defaultFilterChain: listenerV3.FilterChain; listenerFilters: listenerV3.ListenerFilter[] } {
  const filterChains = [http];
  let defaultFilterChain: listenerV3.FilterChain | undefined;
  for (const chain of tcp) {
    if (isMatchAll(chain)) defaultFilterChain = chain;
    else filterChains.push(chain);
  }
  const catchAll = push.mesh.outboundTrafficPolicy.mode === 'REGISTRY_ONLY' ? BLACKHOLE_CLUSTER : PASSTHROUGH_CLUSTER;
  const sni = filterChains.some((c) => (c.filterChainMatch?.serverNames.length ?? 0) > 0);
  return {
    filterChains,
    defaultFilterChain: defaultFilterChain ?? filterChain('PassthroughFilterChain', undefined, [tcpProxyFilter(catchAll)]),
    listenerFilters: [...(sni ? [listenerFilter('tls_inspector')] : []), listenerFilter('http_inspector')],
  };
}
