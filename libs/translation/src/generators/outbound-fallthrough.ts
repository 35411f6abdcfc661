import type { listenerV3 } from '@minipilot/envoy-api';
import { filterChain, listenerFilter } from '../builders/listener.js';
import { tcpProxyFilter } from '../builders/tcp-proxy.js';
import { BLACKHOLE_CLUSTER, PASSTHROUGH_CLUSTER } from '../names.js';
import type { PushContext } from '../model/push-context.js';

/** istiod's name of the default chain that sends unmatched traffic of an outbound listener to the catch-all cluster. */
export const PASSTHROUGH_FILTER_CHAIN = 'PassthroughFilterChain';

/** The catch-all destination of a sidecar under the mesh's outbound traffic policy: PassthroughCluster (ALLOW_ANY) or BlackHoleCluster (REGISTRY_ONLY). */
export function catchAllCluster(push: PushContext): string {
  return push.mesh.outboundTrafficPolicy.mode === 'REGISTRY_ONLY' ? BLACKHOLE_CLUSTER : PASSTHROUGH_CLUSTER;
}

/** `PassthroughFilterChain`: tcp_proxy to {@link catchAllCluster} (istiod buildOutboundCatchAllNetworkFiltersOnly). */
export function passthroughFilterChain(push: PushContext): listenerV3.FilterChain {
  return filterChain(PASSTHROUGH_FILTER_CHAIN, undefined, [tcpProxyFilter(catchAllCluster(push))]);
}

/** True when a chain matches every connection (istiod filterChainOpts.isMatchAll): no SNI (or `*`), ALPN, transport or CIDR condition. */
export function isMatchAllChain(chain: listenerV3.FilterChain): boolean {
  const m = chain.filterChainMatch;
  if (!m) return true;
  return (m.serverNames.length === 0 || m.serverNames.includes('*')) && m.applicationProtocols.length === 0
    && m.transportProtocol === '' && m.prefixRanges.length === 0;
}

/** Where an outbound listener's chains go: the matching chains, the default chain, and the listener filters they need. */
export interface PlacedOutboundChains {
  readonly filterChains: listenerV3.FilterChain[];
  readonly defaultFilterChain?: listenerV3.FilterChain;
  readonly listenerFilters?: listenerV3.ListenerFilter[];
}

/**
 * Places the chains of a sidecar's outbound TCP/TLS listener as istiod's buildListenerFromEntry
 * does: a match-all chain becomes the listener's default chain (the last one wins), the others keep
 * their matches; a listener whose only chain is match-all keeps it as its single filter chain; a
 * listener without a match-all chain gets `PassthroughFilterChain` as default, so traffic no chain
 * matches (another SNI, plaintext on a TLS port) reaches PassthroughCluster or BlackHoleCluster
 * instead of being refused. The TLS inspector is added when a chain matches on SNI.
 */
export function placeOutboundChains(chains: readonly listenerV3.FilterChain[], push: PushContext): PlacedOutboundChains {
  const filterChains: listenerV3.FilterChain[] = [];
  let defaultFilterChain: listenerV3.FilterChain | undefined;
  for (const chain of chains) {
    if (isMatchAllChain(chain)) defaultFilterChain = chain;
    else filterChains.push(chain);
  }
  const needsTls = filterChains.some((c) => (c.filterChainMatch?.serverNames.length ?? 0) > 0);
  const listenerFilters = needsTls ? { listenerFilters: [listenerFilter('tls_inspector')] } : {};
  if (defaultFilterChain && filterChains.length === 0) return { filterChains: [defaultFilterChain], ...listenerFilters };
  return { filterChains, defaultFilterChain: defaultFilterChain ?? passthroughFilterChain(push), ...listenerFilters };
}
