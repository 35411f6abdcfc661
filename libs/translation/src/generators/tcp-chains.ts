import type { listenerV3 } from '@minipilot/envoy-api';
import { buildTcpFilterChains } from '../routes/tcp-route.js';
import { buildTlsFilterChains } from '../routes/tls-route.js';
import { virtualServiceForHost } from './virtual-service-for-host.js';
import { mergeFilterChains } from './filter-chain-conflict.js';
import type { PushContext } from '../model/push-context.js';
import type { ServiceModel } from '../model/service.js';
import type { ProxyView } from '../proxy.js';

/**
 * Filter chains of a sidecar's outbound TCP/TLS listener on `bind:port`: the VirtualService `tcp`
 * or `tls` routes of each service, else a tcp_proxy chain to `outbound|<port>||<host>`, merged in
 * service order as istiod's mergeTCPFilterChains does. On a wildcard (0.0.0.0) listener TLS
 * services are told apart by SNI; plain TCP services cannot be, so the first one's match-all chain
 * serves the port and later ones conflict and are dropped (istiod's first-service-wins).
 */
export function outboundTcpChains(proxy: ProxyView, push: PushContext, services: readonly ServiceModel[], port: number, bind: string, warn: (message: string) => void = () => {}): listenerV3.FilterChain[] {
  const chains: listenerV3.FilterChain[] = [];
  for (const service of services) {
    const vs = virtualServiceForHost(proxy, push, service.hostname);
    const protocol = service.ports.find((p) => p.port === port)?.protocol;
    const tls = protocol === 'TLS' || protocol === 'HTTPS';
    // A CIDR-addressed entry on 0.0.0.0 matches its prefixes (istiod listenerOpts.cidr).
    const cidrs = bind === '0.0.0.0' && service.addresses.length === 0 ? service.cidrs ?? [] : [];
    const target = { push, proxy, virtualServices: vs ? [vs] : [], gateway: 'mesh', port, service, sniOnDefault: bind === '0.0.0.0', destinationCidrs: cidrs, onProblem: warn };
    mergeFilterChains(chains, tls ? buildTlsFilterChains(target) : buildTcpFilterChains(target));
  }
  return chains;
}
