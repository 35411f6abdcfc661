import type { listenerV3 } from '@minipilot/envoy-api';
import { filterChain } from '../builders/listener.js';
import { tcpProxyFilter } from '../builders/tcp-proxy.js';
import { clusterName } from '../names.js';
import type { PushContext } from '../model/push-context.js';
import type { ServiceModel } from '../model/service.js';
import type { Proxy } from '../proxy.js';

/**
 * Filter chains of a sidecar's outbound TCP/TLS listener: one tcp_proxy chain per service to
 * `outbound|<port>||<host>`. On a wildcard (0.0.0.0) listener, TLS services are told apart by SNI
 * (`server_names: [host]`). VirtualService `tcp`/`tls` routes refine these chains.
 */
export function outboundTcpChains(_proxy: Proxy, _push: PushContext, services: readonly ServiceModel[], port: number, bind: string): listenerV3.FilterChain[] {
  const chains: listenerV3.FilterChain[] = [];
  for (const svc of services) {
    const proto = svc.ports.find((p) => p.port === port)?.protocol;
    const sni = bind === '0.0.0.0' && (proto === 'TLS' || proto === 'HTTPS') && services.length > 1;
    const cluster = clusterName('outbound', port, '', svc.hostname);
    chains.push(filterChain('', sni ? { serverNames: [svc.hostname] } : undefined, [tcpProxyFilter(cluster)]));
    if (!sni) break; // a match-all chain: further services on the same address and port cannot be told apart
  }
  return chains;
}
