import { create } from '@bufbuild/protobuf';
import { routeV3, hcmV3, type listenerV3 } from '@minipilot/envoy-api';
import { listener, filterChain, listenerFilter } from '../builders/listener.js';
import { tcpProxyFilter } from '../builders/tcp-proxy.js';
import { routeConfiguration, virtualHost, routeAction } from '../builders/route.js';
import { duration, millis } from '../builders/common.js';
import { clusterName, BLACKHOLE_CLUSTER, INBOUND_PASSTHROUGH_CLUSTER } from '../names.js';
import { isHttpProtocol, type Protocol } from '../model/protocol.js';
import { visibleServices } from './clusters.js';
import { serviceTargets } from './service-targets.js';
import { sidecarRouteName, sniffedRouteName } from './sidecar-routes.js';
import { sidecarHttpFilter, Direction } from './sidecar-http.js';
import { outboundTcpChains } from './tcp-chains.js';
import { sameTcpListenerClass } from './listener-protocol.js';
import { buildSniffedListener, HTTP_ALPN } from './sniffed-listener.js';
import { serviceEntryPassthroughBinds } from './passthrough-binds.js';
import { catchAllCluster, passthroughFilterChain, placeOutboundChains } from './outbound-fallthrough.js';
import type { PushContext } from '../model/push-context.js';
import type { ServiceModel } from '../model/service.js';
import type { Proxy, ProxyView } from '../proxy.js';
import { NO_MEMO, sniffedListenerKey, type ResourceMemo } from '../cache-keys.js';
import { revisionOf } from '../model/push-context.js';

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

interface Entry { bind: string; port: number; protocol: Protocol; services: ServiceModel[] }

function buildOutboundListeners(proxy: ProxyView, push: PushContext, warn: (message: string) => void, memo: ResourceMemo): listenerV3.Listener[] {
  const entries = new Map<string, Entry>();
  for (const svc of visibleServices(proxy, push)) {
    if (svc.resolution === 'Passthrough' && svc.addresses.length === 0 && svc.registry === 'Kubernetes') continue;
    for (const p of svc.ports) {
      if (p.protocol === 'UDP') continue;
      const http = isHttpProtocol(p.protocol);
      const protocol: Protocol = http ? 'HTTP' : p.protocol;
      for (const bind of serviceEntryPassthroughBinds(svc, p, push) ?? [http ? '0.0.0.0' : svc.addresses[0] ?? '0.0.0.0']) {
        const key = `${bind}_${p.port}`;
        const e = entries.get(key);
        if (!e) entries.set(key, { bind, port: p.port, protocol, services: [svc] });
        else if (e.protocol === protocol || sameTcpListenerClass(e.protocol, protocol)) e.services.push(svc);
        // istiod AutoOverHTTP: a sniffed port replaces the HTTP listener on 0.0.0.0 (HTTP after it joins it).
        else if (e.protocol === 'HTTP' && protocol === 'Unsupported') { e.protocol = protocol; e.services.unshift(svc); }
        else if (e.protocol === 'Unsupported' && protocol === 'HTTP') e.services.push(svc);
        // else: a protocol conflict on the same address and port; the first service wins, as in istiod.
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
    if (e.protocol === 'HTTP') {
      out.push(memo(`lds|http|${name}|${classKey}`, () => listener({
        ...common,
        filterChains: [filterChain('', { transportProtocol: 'raw_buffer', applicationProtocols: [...HTTP_ALPN] }, [sidecarHttpFilter(proxy, 'outbound', e.bind, e.port, { routeConfigName: sidecarRouteName(e.port) })])],
        defaultFilterChain: passthroughFilterChain(push),
        listenerFilters: [listenerFilter('http_inspector')],
      })));
    } else if (e.protocol === 'Unsupported') {
      const svc = e.services[0]!;
      // On 0.0.0.0 (no VIP) the HTTP chain shares the port's route configuration (istiod buildSidecarOutboundHTTPListenerOpts).
      const routeConfigName = e.bind === '0.0.0.0' ? sidecarRouteName(e.port) : sniffedRouteName(svc, e.port);
      const build = () => buildSniffedListener(proxy, push, { common, service: svc, bind: e.bind, port: e.port, routeConfigName }, warn);
      const key = sniffedListenerKey(proxy, push, svc, name);
      out.push(key ? memo(key, build) : build());
    } else {
      out.push(listener({ ...common, ...placeOutboundChains(outboundTcpChains(proxy, push, e.services, e.port, e.bind, warn), push) }));
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

/**
 * `virtualInbound` on 15006: a loop guard, one plaintext chain per service target port (HTTP with an
 * inline route configuration to `inbound|<port>||`, or tcp_proxy), and passthrough chains to
 * InboundPassthroughCluster. mTLS chains need the mesh's workload certificates, which minipilot
 * does not issue yet, so only plaintext (PERMISSIVE's raw_buffer half) is generated.
 */
function virtualInbound(proxy: Proxy, push: PushContext): listenerV3.Listener {
  const port = push.mesh.proxyInboundListenPort;
  const chains: listenerV3.FilterChain[] = [filterChain('virtualInbound-blackhole', { destinationPort: port }, [tcpProxyFilter(BLACKHOLE_CLUSTER)])];
  for (const t of serviceTargets(proxy, push)) {
    const cluster = clusterName('inbound', t.targetPort, '', '');
    const name = `0.0.0.0_${t.targetPort}`;
    if (isHttpProtocol(t.port.protocol) || t.port.protocol === 'Unsupported') {
      const grpc = t.port.protocol === 'GRPC';
      const action = routeAction(cluster);
      action.timeout = duration('0s');
      action.maxStreamDuration = create(routeV3.RouteAction_MaxStreamDurationSchema, { maxStreamDuration: duration('0s'), grpcTimeoutHeaderMax: duration('0s') });
      if (!grpc) action.retryPolicy = create(routeV3.RetryPolicySchema, { retryOn: 'reset-before-request', numRetries: 2 });
      const route = create(routeV3.RouteSchema, {
        name: 'default', match: { pathSpecifier: { case: 'prefix', value: '/' } }, action: { case: 'route', value: action },
        decorator: { operation: `${t.service.hostname}:${t.port.port}/*` },
      });
      const rc = routeConfiguration(cluster, [virtualHost(`inbound|http|${t.targetPort}`, ['*'], [route])], { validateClusters: false });
      chains.push(filterChain(name, { destinationPort: t.targetPort, transportProtocol: 'raw_buffer' }, [
        sidecarHttpFilter(proxy, 'inbound', '0.0.0.0', t.targetPort, { routeConfig: rc }, { forwardClientCertDetails: hcmV3.HttpConnectionManager_ForwardClientCertDetails.APPEND_FORWARD }),
      ]));
    } else {
      chains.push(filterChain(name, { destinationPort: t.targetPort }, [tcpProxyFilter(cluster)]));
    }
  }
  const passthroughRoute = create(routeV3.RouteSchema, {
    name: 'default', match: { pathSpecifier: { case: 'prefix', value: '/' } },
    action: { case: 'route', value: Object.assign(routeAction(INBOUND_PASSTHROUGH_CLUSTER), { timeout: duration('0s') }) },
  });
  chains.push(filterChain('virtualInbound-catchall-http', { transportProtocol: 'raw_buffer', applicationProtocols: [...HTTP_ALPN] }, [
    sidecarHttpFilter(proxy, 'inbound', '0.0.0.0', port, { routeConfig: routeConfiguration('InboundPassthroughCluster', [virtualHost('inbound|http|0', ['*'], [passthroughRoute])], { validateClusters: false }) }),
  ]));
  return listener({
    name: 'virtualInbound', address: '0.0.0.0', port, useOriginalDst: true, trafficDirection: Direction.INBOUND,
    continueOnListenerFiltersTimeout: true, listenerFiltersTimeout: millis(0),
    filterChains: chains,
    defaultFilterChain: filterChain('virtualInbound', undefined, [tcpProxyFilter(INBOUND_PASSTHROUGH_CLUSTER)]),
    listenerFilters: [listenerFilter('original_dst'), listenerFilter('http_inspector')],
  });
}
