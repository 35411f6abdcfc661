import type { listenerV3 } from '@minipilot/envoy-api';
import { listener, filterChain, listenerFilter } from '../builders/listener.js';
import { tcpProxyFilter } from '../builders/tcp-proxy.js';
import { millis } from '../builders/common.js';
import { BLACKHOLE_CLUSTER } from '../names.js';
import { isHttpProtocol } from '../model/protocol.js';
import { visibleServices } from './clusters.js';
import { addToListenerEntry, istioServiceOrder, newListenerEntry, type OutboundListenerEntry } from './listener-conflict.js';
import { passthroughEndpointBinds } from './passthrough-binds.js';
import { catchAllCluster, passthroughFilterChain, placeOutboundChains } from './outbound-fallthrough.js';
import { sidecarRouteName, sniffedRouteName } from './sidecar-routes.js';
import { sidecarHttpFilter, Direction } from './sidecar-http.js';
import { outboundTcpChains } from './tcp-chains.js';
import { buildSniffedListener, HTTP_ALPN } from './sniffed-listener.js';
import type { PushContext } from '../model/push-context.js';
import type { Proxy, ProxyView } from '../proxy.js';
import { NO_MEMO, sniffedListenerKey, type ResourceMemo } from '../cache-keys.js';
import { revisionOf } from '../model/push-context.js';
import { virtualInbound } from './virtual-inbound.js';

/**
 * A sidecar's listeners: per-port outbound listeners (`0.0.0.0_9080` for HTTP ports, shared by all
 * HTTP services on the port, RDS `"9080"`; `<VIP>_<port>` for TCP ports with tcp_proxy, `0.0.0.0_<port>`
 * for address-less ServiceEntries, with PassthroughFilterChain for what no chain matches; sniffed
 * ports with an HTTP chain and a TCP default), then `virtualOutbound` (15001) and
 * `virtualInbound` (15006). Outbound listeners do not bind: iptables redirects to 15001, whose
 * original-destination lookup hands connections to them.
 */
export function buildSidecarListeners(proxy: Proxy, push: PushContext, warn: (message: string) => void = () => {}): listenerV3.Listener[] {
  return [...buildSidecarScopeListeners(proxy, push, warn), ...buildSidecarWorkloadListeners(proxy, push)];
}

/** The listeners every sidecar of a scope shares (see ProxyView): the outbound listeners and `virtualOutbound`. */
export function buildSidecarScopeListeners(view: ProxyView, push: PushContext, warn: (message: string) => void = () => {}, memo: ResourceMemo = NO_MEMO): listenerV3.Listener[] {
  return [...buildOutboundListeners(view, push, warn, memo), memo(`lds|virtualOutbound|m${revisionOf(push.mesh)}`, () => virtualOutbound(push))];
}

/** A sidecar's own listener: `virtualInbound`, with a chain per port its workload serves. */
export function buildSidecarWorkloadListeners(proxy: Proxy, push: PushContext): listenerV3.Listener[] {
  return [virtualInbound(proxy, push)];
}

function buildOutboundListeners(proxy: ProxyView, push: PushContext, warn: (message: string) => void, memo: ResourceMemo): listenerV3.Listener[] {
  const entries = new Map<string, OutboundListenerEntry>();
  for (const svc of [...visibleServices(proxy, push)].sort(istioServiceOrder)) {
    for (const p of svc.ports) {
      if (p.protocol === 'UDP') continue;
      const http = isHttpProtocol(p.protocol);
      for (const bind of passthroughEndpointBinds(svc, p, push) ?? [http ? '0.0.0.0' : svc.addresses[0] ?? '0.0.0.0']) {
        const key = `${bind}_${p.port}`;
        const e = entries.get(key);
        if (!e) entries.set(key, newListenerEntry(bind, p.port, p.protocol, svc));
        else addToListenerEntry(e, svc, p.protocol);
      }
    }
  }
  const out: listenerV3.Listener[] = [];
  for (const e of entries.values()) {
    const name = `${e.bind}_${e.port}`;
    const common = {
      name, address: e.bind, port: e.port, bindToPort: false, trafficDirection: Direction.OUTBOUND,
      continueOnListenerFiltersTimeout: true, listenerFiltersTimeout: millis(0),
    };
    // HTTP listeners depend only on the port (routes come over RDS), sniffed ones on their service.
    const classKey = `${proxy.istioProxy ? 'i' : 'e'}|m${revisionOf(push.mesh)}`;
    const httpChain = (routeConfigName: string) => filterChain('', { transportProtocol: 'raw_buffer', applicationProtocols: [...HTTP_ALPN] }, [sidecarHttpFilter(proxy, 'outbound', e.bind, e.port, { routeConfigName })]);
    if (e.http && e.tcp.length === 0) {
      out.push(memo(`lds|http|${name}|${classKey}`, () => listener({
        ...common,
        filterChains: [httpChain(sidecarRouteName(e.port))],
        defaultFilterChain: passthroughFilterChain(push),
        listenerFilters: [listenerFilter('http_inspector')],
      })));
    } else if (e.http && e.bind !== '0.0.0.0') {
      const svc = e.tcp[0]!;
      const routed = e.routeService ?? svc;
      // istiod's sniffed listener on a VIP: the service's TCP chains (VirtualService tcp routes, else tcp_proxy) beside the HTTP chain.
      const build = () => buildSniffedListener(proxy, push, { common, service: svc, bind: e.bind, port: e.port, routeConfigName: sniffedRouteName(routed, e.port) }, warn);
      const key = sniffedListenerKey(proxy, push, svc, name);
      out.push(key ? memo(`${key}|r${routed.hostname}`, build) : build());
    } else if (e.http) {
      // HTTP and TCP services on one 0.0.0.0 port: the HTTP chain beside the TCP/TLS chains (istiod's sniffed merge).
      const placed = placeOutboundChains([httpChain(sidecarRouteName(e.port)), ...outboundTcpChains(proxy, push, e.tcp, e.port, e.bind, warn)], push);
      out.push(listener({ ...common, ...placed, listenerFilters: [...(placed.listenerFilters ?? []), listenerFilter('http_inspector')] }));
    } else {
      out.push(listener({ ...common, ...placeOutboundChains(outboundTcpChains(proxy, push, e.tcp, e.port, e.bind, warn), push) }));
    }
  }
  return out;
}

/** `virtualOutbound` on 15001: original-destination dispatch, a loop guard, and the catch-all chain. */
function virtualOutbound(push: PushContext): listenerV3.Listener {
  const port = push.mesh.proxyListenPort;
  return listener({
    name: 'virtualOutbound', address: '0.0.0.0', port, useOriginalDst: true, trafficDirection: Direction.OUTBOUND,
    filterChains: [
      filterChain('virtualOutbound-blackhole', { destinationPort: port }, [tcpProxyFilter(BLACKHOLE_CLUSTER)]),
      filterChain('virtualOutbound-catchall-tcp', undefined, [tcpProxyFilter(catchAllCluster(push))]),
    ],
  });
}
