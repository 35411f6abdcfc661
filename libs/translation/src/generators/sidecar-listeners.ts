import type { listenerV3 } from '@minipilot/envoy-api';
import { listener, filterChain, listenerFilter } from '../builders/listener.js';
import { tcpProxyFilter } from '../builders/tcp-proxy.js';
import { millis } from '../builders/common.js';
import { clusterName, BLACKHOLE_CLUSTER, PASSTHROUGH_CLUSTER } from '../names.js';
import { isHttpProtocol, type Protocol } from '../model/protocol.js';
import { visibleServices } from './clusters.js';
import { sidecarRouteName, sniffedRouteName } from './sidecar-routes.js';
import { sidecarHttpFilter, Direction } from './sidecar-http.js';
import { outboundTcpChains } from './tcp-chains.js';
import type { PushContext } from '../model/push-context.js';
import type { ServiceModel } from '../model/service.js';
import type { Proxy, ProxyView } from '../proxy.js';
import { NO_MEMO, type ResourceMemo } from '../cache-keys.js';
import { revisionOf } from '../model/push-context.js';
import { virtualInbound } from './virtual-inbound.js';

const HTTP_ALPN = ['http/1.1', 'h2c'];

/** The catch-all destination of a sidecar under the mesh's outbound traffic policy. */
function catchAllCluster(push: PushContext): string {
  return push.mesh.outboundTrafficPolicy.mode === 'REGISTRY_ONLY' ? BLACKHOLE_CLUSTER : PASSTHROUGH_CLUSTER;
}

/**
 * A sidecar's listeners: per-port outbound listeners (`0.0.0.0_9080` for HTTP ports, shared by all
 * HTTP services on the port, RDS `"9080"`; `<VIP>_<port>` for TCP ports with tcp_proxy; sniffed
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

interface Entry { bind: string; port: number; protocol: Protocol; services: ServiceModel[] }

function buildOutboundListeners(proxy: ProxyView, push: PushContext, warn: (message: string) => void, memo: ResourceMemo): listenerV3.Listener[] {
  const entries = new Map<string, Entry>();
  for (const svc of visibleServices(proxy, push)) {
    if (svc.resolution === 'Passthrough' && svc.addresses.length === 0 && svc.registry === 'Kubernetes') continue;
    for (const p of svc.ports) {
      if (p.protocol === 'UDP') continue;
      const http = isHttpProtocol(p.protocol);
      const bind = http ? '0.0.0.0' : svc.addresses[0] ?? '0.0.0.0';
      const protocol: Protocol = http ? 'HTTP' : p.protocol === 'Unsupported' && bind === '0.0.0.0' ? 'HTTP' : p.protocol;
      const key = `${bind}_${p.port}`;
      const e = entries.get(key);
      if (!e) entries.set(key, { bind, port: p.port, protocol, services: [svc] });
      else if (e.protocol === protocol) e.services.push(svc);
      // else: a protocol conflict on the same address and port; the first service wins, as in istiod.
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
    if (e.protocol === 'HTTP') {
      out.push(memo(`lds|http|${name}|${classKey}`, () => listener({
        ...common,
        filterChains: [filterChain('', { transportProtocol: 'raw_buffer', applicationProtocols: HTTP_ALPN }, [sidecarHttpFilter(proxy, 'outbound', e.bind, e.port, { routeConfigName: sidecarRouteName(e.port) })])],
        defaultFilterChain: filterChain('PassthroughFilterChain', undefined, [tcpProxyFilter(catchAllCluster(push))]),
        listenerFilters: [listenerFilter('http_inspector')],
      })));
    } else if (e.protocol === 'Unsupported') {
      const svc = e.services[0]!;
      out.push(memo(`lds|sniffed|${name}|${svc.hostname}|s${push.serviceRevision(svc)}|${classKey}`, () => listener({
        ...common,
        filterChains: [filterChain('', { transportProtocol: 'raw_buffer', applicationProtocols: HTTP_ALPN }, [sidecarHttpFilter(proxy, 'outbound', e.bind, e.port, { routeConfigName: sniffedRouteName(svc, e.port) })])],
        defaultFilterChain: filterChain('', undefined, [tcpProxyFilter(clusterName('outbound', e.port, '', svc.hostname))]),
        listenerFilters: [listenerFilter('http_inspector')],
      })));
    } else {
      const chains = outboundTcpChains(proxy, push, e.services, e.port, e.bind, warn);
      const needsTls = chains.some((c) => (c.filterChainMatch?.serverNames.length ?? 0) > 0);
      out.push(listener({ ...common, filterChains: chains, ...(needsTls ? { listenerFilters: [listenerFilter('tls_inspector')] } : {}) }));
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
