import { create } from '@bufbuild/protobuf';
import { routeV3, hcmV3, type listenerV3 } from '@minipilot/envoy-api';
import { listener, filterChain, listenerFilter } from '../builders/listener.js';
import { tcpProxyFilter } from '../builders/tcp-proxy.js';
import { routeConfiguration, virtualHost, routeAction } from '../builders/route.js';
import { duration, millis } from '../builders/common.js';
import { clusterName, BLACKHOLE_CLUSTER, INBOUND_PASSTHROUGH_CLUSTER } from '../names.js';
import { isHttpProtocol } from '../model/protocol.js';
import { mtlsModeForPort, type MtlsMode } from '../model/peer-authentication.js';
import { serviceTargets, type ServiceTarget } from './service-targets.js';
import { sidecarHttpFilter, Direction } from './sidecar-http.js';
import {
  chainOptions, inboundInspectors, inboundListenerProtocol, inboundTlsSocket, metadataExchangeNetworkFilter, PLAINTEXT_HTTP_ALPNS,
  type ChainOption, type InboundListenerProtocol,
} from './inbound-tls.js';
import type { PushContext } from '../model/push-context.js';
import type { Proxy } from '../proxy.js';

/**
 * `virtualInbound` on 15006. For istio-proxy, istiod's listener (listener_inbound.go): a loop guard,
 * passthrough chains to InboundPassthroughCluster, and chains per service target port, each set of
 * chains chosen by the workload's PeerAuthentication mode for the port (see {@link chainOptions}):
 * STRICT only mTLS, PERMISSIVE mTLS and plaintext, DISABLE only plaintext; `istio.metadata_exchange`
 * first on every chain. Stock Envoy has no istio-agent to fetch the workload certificate from, so it
 * gets plaintext chains only (HTTP ports through the HTTP connection manager, others tcp_proxy, a
 * passthrough default chain), whatever the PeerAuthentication says.
 */
export function virtualInbound(proxy: Proxy, push: PushContext): listenerV3.Listener {
  return proxy.istioProxy ? istioVirtualInbound(proxy, push) : plaintextVirtualInbound(proxy, push);
}

function plaintextVirtualInbound(proxy: Proxy, push: PushContext): listenerV3.Listener {
  const port = push.mesh.proxyInboundListenPort;
  const chains: listenerV3.FilterChain[] = [filterChain('virtualInbound-blackhole', { destinationPort: port }, [tcpProxyFilter(BLACKHOLE_CLUSTER)])];
  for (const t of serviceTargets(proxy, push)) {
    const name = `0.0.0.0_${t.targetPort}`;
    if (isHttpProtocol(t.port.protocol) || t.port.protocol === 'Unsupported') {
      chains.push(filterChain(name, { destinationPort: t.targetPort, transportProtocol: 'raw_buffer' }, [targetHttpFilter(proxy, t, {})]));
    } else {
      chains.push(filterChain(name, { destinationPort: t.targetPort }, [tcpProxyFilter(clusterName('inbound', t.targetPort, '', ''))]));
    }
  }
  chains.push(filterChain('virtualInbound-catchall-http', { transportProtocol: 'raw_buffer', applicationProtocols: [...PLAINTEXT_HTTP_ALPNS] }, [passthroughHttpFilter(proxy, port, {})]));
  return listener({
    name: 'virtualInbound', address: '0.0.0.0', port, useOriginalDst: true, trafficDirection: Direction.INBOUND,
    continueOnListenerFiltersTimeout: true, listenerFiltersTimeout: millis(0),
    filterChains: chains,
    defaultFilterChain: filterChain('virtualInbound', undefined, [tcpProxyFilter(INBOUND_PASSTHROUGH_CLUSTER)]),
    listenerFilters: [listenerFilter('original_dst'), listenerFilter('http_inspector')],
  });
}

/** Client certificate details an inbound HTTP connection manager forwards (istiod: XFCC appended, subject, URI and DNS SANs). */
const XFCC: Partial<Omit<hcmV3.HttpConnectionManager, '$typeName'>> = {
  forwardClientCertDetails: hcmV3.HttpConnectionManager_ForwardClientCertDetails.APPEND_FORWARD,
};
const XFCC_ISTIO: Partial<Omit<hcmV3.HttpConnectionManager, '$typeName'>> = {
  ...XFCC,
  setCurrentClientCertDetails: create(hcmV3.HttpConnectionManager_SetCurrentClientCertDetailsSchema, { subject: true, uri: true, dns: true }),
};

function istioVirtualInbound(proxy: Proxy, push: PushContext): listenerV3.Listener {
  const port = push.mesh.proxyInboundListenPort;
  const mtls = push.peerAuthentication.forWorkload(proxy.namespace, proxy.labels);
  const mx = metadataExchangeNetworkFilter();
  const targets = serviceTargets(proxy, push);
  const chains: listenerV3.FilterChain[] = [filterChain('virtualInbound-blackhole', { destinationPort: port }, [mx, tcpProxyFilter(BLACKHOLE_CLUSTER)])];
  const build = (options: readonly ChainOption[], destinationPort: number, chain: { name: (p: 'HTTP' | 'TCP') => string; http: () => listenerV3.Filter; tcp: () => listenerV3.Filter }): void => {
    for (const o of options) {
      const match = {
        ...(destinationPort > 0 ? { destinationPort } : {}),
        transportProtocol: o.transportProtocol,
        ...(o.alpn.length > 0 ? { applicationProtocols: [...o.alpn] } : {}),
      };
      chains.push(filterChain(chain.name(o.protocol), match, [mx, o.protocol === 'HTTP' ? chain.http() : chain.tcp()], o.tls ? { transportSocket: inboundTlsSocket(o.protocol, push.mesh) } : {}));
    }
  };
  // Passthrough: every port at the workload's mode, then the port-level modes of ports no service declares.
  const passthrough = (mode: MtlsMode, destinationPort: number): void => build(chainOptions(mode, 'AUTO'), destinationPort, {
    name: (p) => (p === 'HTTP' ? 'virtualInbound-catchall-http' : 'virtualInbound'),
    http: () => passthroughHttpFilter(proxy, port, XFCC_ISTIO),
    tcp: () => tcpProxyFilter(INBOUND_PASSTHROUGH_CLUSTER),
  });
  passthrough(mtls.mode, 0);
  const declared = new Set(targets.map((t) => t.targetPort));
  for (const p of [...mtls.perPort.keys()].sort((a, b) => a - b)) if (!declared.has(p)) passthrough(mtlsModeForPort(mtls, p), p);
  for (const t of targets) {
    const protocol: InboundListenerProtocol = inboundListenerProtocol(t.port.protocol);
    build(chainOptions(mtlsModeForPort(mtls, t.targetPort), protocol), t.targetPort, {
      name: () => `0.0.0.0_${t.targetPort}`,
      http: () => targetHttpFilter(proxy, t, XFCC_ISTIO),
      tcp: () => tcpProxyFilter(clusterName('inbound', t.targetPort, '', '')),
    });
  }
  return listener({
    name: 'virtualInbound', address: '0.0.0.0', port, useOriginalDst: true, trafficDirection: Direction.INBOUND,
    continueOnListenerFiltersTimeout: true, listenerFiltersTimeout: millis(0),
    filterChains: chains,
    listenerFilters: [listenerFilter('original_dst'), ...inboundInspectors(chains)],
  });
}

/** The HTTP connection manager of a service target port: an inline route to `inbound|<port>||`. */
function targetHttpFilter(proxy: Proxy, t: ServiceTarget, extra: Partial<Omit<hcmV3.HttpConnectionManager, '$typeName'>>): listenerV3.Filter {
  const cluster = clusterName('inbound', t.targetPort, '', '');
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
  return sidecarHttpFilter(proxy, 'inbound', '0.0.0.0', t.targetPort, { routeConfig: rc }, { ...XFCC, ...extra });
}

/** The HTTP connection manager of the passthrough chain: every request to InboundPassthroughCluster. */
function passthroughHttpFilter(proxy: Proxy, port: number, extra: Partial<Omit<hcmV3.HttpConnectionManager, '$typeName'>>): listenerV3.Filter {
  const passthroughRoute = create(routeV3.RouteSchema, {
    name: 'default', match: { pathSpecifier: { case: 'prefix', value: '/' } },
    action: { case: 'route', value: Object.assign(routeAction(INBOUND_PASSTHROUGH_CLUSTER), { timeout: duration('0s') }) },
  });
  return sidecarHttpFilter(proxy, 'inbound', '0.0.0.0', port, { routeConfig: routeConfiguration('InboundPassthroughCluster', [virtualHost('inbound|http|0', ['*'], [passthroughRoute])], { validateClusters: false }) }, extra);
}
