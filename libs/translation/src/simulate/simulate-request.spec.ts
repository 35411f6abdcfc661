import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { coreV3, hcmV3, listenerV3, routeV3, routerV3, tlsV3, tlsInspectorV3, httpInspectorV3, originalDstV3 } from '@minipilot/envoy-api';
import { socketAddress, typed } from '../builders/common.js';
import { routeConfiguration, virtualHost, routeAction } from '../builders/route.js';
import { tcpProxyFilter } from '../builders/tcp-proxy.js';
import type { EnvoyResources } from '../resources.js';
import { simulateRequest } from './simulate-request.js';
import type { SimulationRequest } from './request.js';

// A hand-built, sidecar- and gateway-shaped config (not minipilot's generator output), so the engine
// is tested against Envoy semantics alone.
type ChainInit = MessageInitShape<typeof listenerV3.FilterChainSchema>;
const hcmFilter = (hcm: hcmV3.HttpConnectionManager): listenerV3.Filter =>
  create(listenerV3.FilterSchema, { name: 'envoy.filters.network.http_connection_manager', configType: { case: 'typedConfig', value: typed(hcmV3.HttpConnectionManagerSchema, hcm) } });
const routerFilter = (): hcmV3.HttpFilter => create(hcmV3.HttpFilterSchema, { name: 'envoy.filters.http.router', configType: { case: 'typedConfig', value: typed(routerV3.RouterSchema, {}) } });
const rdsHcm = (name: string): hcmV3.HttpConnectionManager => create(hcmV3.HttpConnectionManagerSchema, {
  statPrefix: name, routeSpecifier: { case: 'rds', value: { routeConfigName: name, configSource: { configSourceSpecifier: { case: 'ads', value: {} } } } }, httpFilters: [routerFilter()],
});
const rds = (name: string): listenerV3.Filter => hcmFilter(rdsHcm(name));
const chain = (init: ChainInit): listenerV3.FilterChain => create(listenerV3.FilterChainSchema, init);
const tlsSocket = (ctx: MessageInitShape<typeof tlsV3.DownstreamTlsContextSchema>): coreV3.TransportSocket =>
  create(coreV3.TransportSocketSchema, { name: 'envoy.transport_sockets.tls', configType: { case: 'typedConfig', value: typed(tlsV3.DownstreamTlsContextSchema, ctx) } });
const listenerFilter = (name: string, config: ReturnType<typeof typed>, disabledPorts?: [number, number]): listenerV3.ListenerFilter =>
  create(listenerV3.ListenerFilterSchema, {
    name, configType: { case: 'typedConfig', value: config },
    ...(disabledPorts ? { filterDisabled: { rule: { case: 'destinationPortRange', value: { start: disabledPorts[0], end: disabledPorts[1] } } } } : {}),
  });
const tlsInspector = (disabled?: [number, number]) => listenerFilter('envoy.filters.listener.tls_inspector', typed(tlsInspectorV3.TlsInspectorSchema, {}), disabled);
const httpInspector = () => listenerFilter('envoy.filters.listener.http_inspector', typed(httpInspectorV3.HttpInspectorSchema, {}));

const rc9080 = routeConfiguration('9080', [
  virtualHost('reviews.default.svc.cluster.local:9080', ['reviews.default.svc.cluster.local', 'reviews'], [
    create(routeV3.RouteSchema, {
      name: 'jason',
      match: { pathSpecifier: { case: 'prefix', value: '/' }, headers: [{ name: 'end-user', headerMatchSpecifier: { case: 'stringMatch', value: { matchPattern: { case: 'exact', value: 'jason' } } } }] },
      action: { case: 'route', value: routeAction('outbound|9080|v2|reviews.default.svc.cluster.local') },
    }),
    create(routeV3.RouteSchema, { match: { pathSpecifier: { case: 'path', value: '/old' } }, action: { case: 'redirect', value: { pathRewriteSpecifier: { case: 'pathRedirect', value: '/new' } } } }),
    create(routeV3.RouteSchema, { match: { pathSpecifier: { case: 'path', value: '/teapot' } }, action: { case: 'directResponse', value: { status: 418 } } }),
    create(routeV3.RouteSchema, {
      match: { pathSpecifier: { case: 'prefix', value: '/' } },
      action: { case: 'route', value: routeAction([{ name: 'outbound|9080|v1|reviews.default.svc.cluster.local', weight: 50 }, { name: 'outbound|9080|v3|reviews.default.svc.cluster.local', weight: 50 }]) },
    }),
  ]),
  virtualHost('ratings.default.svc.cluster.local:9080', ['ratings.default.svc.cluster.local', 'ratings'], [
    create(routeV3.RouteSchema, { match: { pathSpecifier: { case: 'prefix', value: '/ratings' } }, action: { case: 'route', value: routeAction('outbound|9080||ratings.default.svc.cluster.local') } }),
  ]),
  virtualHost('allow_any', ['*'], [create(routeV3.RouteSchema, { name: 'allow_any', match: { pathSpecifier: { case: 'prefix', value: '/' } }, action: { case: 'route', value: routeAction('PassthroughCluster') } })]),
], { ignorePortInHostMatching: true });

const inboundRoutes = routeConfiguration('inbound|9080||', [
  virtualHost('inbound|http|9080', ['*'], [create(routeV3.RouteSchema, { name: 'default', match: { pathSpecifier: { case: 'prefix', value: '/' } }, action: { case: 'route', value: routeAction('inbound|9080||') } })]),
]);
const inlineHcm = hcmFilter(create(hcmV3.HttpConnectionManagerSchema, { statPrefix: 'inbound_0.0.0.0_9080', routeSpecifier: { case: 'routeConfig', value: inboundRoutes }, httpFilters: [routerFilter()] }));
const meshMtls = tlsSocket({ commonTlsContext: { tlsCertificateSdsSecretConfigs: [{ name: 'default' }] }, requireClientCertificate: true });

const gatewayRoutes = routeConfiguration('https.443.https.gw.istio-system', [
  virtualHost('secure.example.com:443', ['secure.example.com'], [create(routeV3.RouteSchema, { match: { pathSpecifier: { case: 'prefix', value: '/' } }, action: { case: 'route', value: routeAction('outbound|80||web.default.svc.cluster.local') } })]),
], { ignorePortInHostMatching: true });
const redirectRoutes = routeConfiguration('http.8080', [
  create(routeV3.VirtualHostSchema, { name: 'secure.example.com:80', domains: ['secure.example.com'], requireTls: routeV3.VirtualHost_TlsRequirementType.ALL }),
  virtualHost('blackhole:80', ['nothing.example.com'], []),
]);

const resources: EnvoyResources = {
  listeners: [
    create(listenerV3.ListenerSchema, {
      name: '0.0.0.0_9080', address: socketAddress('0.0.0.0', 9080), bindToPort: false, listenerFilters: [httpInspector()],
      filterChains: [chain({ filterChainMatch: { transportProtocol: 'raw_buffer', applicationProtocols: ['http/1.1', 'h2c'] }, filters: [rds('9080')] })],
      defaultFilterChain: chain({ name: 'PassthroughFilterChain', filters: [tcpProxyFilter('PassthroughCluster')] }),
    }),
    create(listenerV3.ListenerSchema, {
      name: '10.96.0.5_27017', address: socketAddress('10.96.0.5', 27017), bindToPort: false,
      filterChains: [chain({ filters: [tcpProxyFilter('outbound|27017||mongo.default.svc.cluster.local')] })],
    }),
    create(listenerV3.ListenerSchema, {
      name: '10.96.0.6_3306', address: socketAddress('10.96.0.6', 3306), bindToPort: false,
      filterChains: [chain({ filters: [tcpProxyFilter({ statPrefix: 'db', clusters: [{ name: 'outbound|3306|a|db', weight: 80 }, { name: 'outbound|3306|b|db', weight: 20 }] })] })],
    }),
    create(listenerV3.ListenerSchema, {
      name: '0.0.0.0_7000', address: socketAddress('0.0.0.0', 7000),
      filterChains: [chain({ name: 'opaque', filters: [create(listenerV3.FilterSchema, { name: 'envoy.filters.network.echo' })] })],
    }),
    create(listenerV3.ListenerSchema, {
      name: 'virtualOutbound', address: socketAddress('0.0.0.0', 15001), useOriginalDst: true, trafficDirection: coreV3.TrafficDirection.OUTBOUND,
      filterChains: [
        chain({ name: 'virtualOutbound-blackhole', filterChainMatch: { destinationPort: 15001 }, filters: [tcpProxyFilter('BlackHoleCluster')] }),
        chain({ name: 'virtualOutbound-catchall-tcp', filters: [tcpProxyFilter('PassthroughCluster')] }),
      ],
    }),
    create(listenerV3.ListenerSchema, {
      name: 'virtualInbound', address: socketAddress('0.0.0.0', 15006), trafficDirection: coreV3.TrafficDirection.INBOUND,
      listenerFilters: [listenerFilter('envoy.filters.listener.original_dst', typed(originalDstV3.OriginalDstSchema, {})), tlsInspector([7070, 7071]), httpInspector()],
      filterChains: [
        chain({ name: 'virtualInbound-blackhole', filterChainMatch: { destinationPort: 15006 }, filters: [tcpProxyFilter('BlackHoleCluster')] }),
        chain({ name: 'virtualInbound', filterChainMatch: { transportProtocol: 'tls' }, filters: [tcpProxyFilter('InboundPassthroughCluster')] }),
        chain({ name: 'virtualInbound-catchall-http', filterChainMatch: { transportProtocol: 'raw_buffer' }, filters: [tcpProxyFilter('InboundPassthroughCluster')] }),
        chain({ name: '0.0.0.0_9080', filterChainMatch: { destinationPort: 9080, transportProtocol: 'tls', applicationProtocols: ['istio-http/1.1', 'istio'] }, transportSocket: meshMtls, filters: [inlineHcm] }),
        chain({ name: '0.0.0.0_9080', filterChainMatch: { destinationPort: 9080, transportProtocol: 'raw_buffer' }, filters: [inlineHcm] }),
        chain({ name: '0.0.0.0_7070', filterChainMatch: { destinationPort: 7070 }, transportSocket: meshMtls, filters: [tcpProxyFilter('inbound|7070||')] }),
      ],
    }),
    create(listenerV3.ListenerSchema, {
      name: '0.0.0.0_8443', address: socketAddress('0.0.0.0', 8443), listenerFilters: [tlsInspector()],
      filterChains: [
        chain({ filterChainMatch: { serverNames: ['secure.example.com'] }, transportSocket: tlsSocket({ commonTlsContext: { tlsCertificateSdsSecretConfigs: [{ name: 'kubernetes://secure-cert' }] } }), filters: [rds('https.443.https.gw.istio-system')] }),
        chain({ filterChainMatch: { serverNames: ['mutual.example.com'] }, transportSocket: tlsSocket({ requireClientCertificate: true }), filters: [rds('https.443.https.gw.istio-system')] }),
        chain({ filterChainMatch: { serverNames: ['passthrough.example.com'] }, filters: [tcpProxyFilter('outbound|443||passthrough.example.com')] }),
        chain({ filterChainMatch: { serverNames: ['plain-http.example.com'] }, filters: [rds('https.443.https.gw.istio-system')] }),
      ],
    }),
    create(listenerV3.ListenerSchema, {
      name: '0.0.0.0_8080', address: socketAddress('0.0.0.0', 8080),
      filterChains: [chain({ filters: [hcmFilter(create(hcmV3.HttpConnectionManagerSchema, { statPrefix: 'h1', codecType: hcmV3.HttpConnectionManager_CodecType.HTTP1, routeSpecifier: { case: 'rds', value: { routeConfigName: 'http.8080' } } }))] })],
    }),
    create(listenerV3.ListenerSchema, {
      name: '0.0.0.0_8081', address: socketAddress('0.0.0.0', 8081),
      filterChains: [chain({ filters: [rds('missing-routes')] })],
    }),
    create(listenerV3.ListenerSchema, { name: 'grpc-svc:50051', apiListener: { apiListener: typed(hcmV3.HttpConnectionManagerSchema, rdsHcm('9080')) } }),
  ],
  routes: [rc9080, gatewayRoutes, redirectRoutes],
  clusters: [],
  endpoints: [],
  nameTables: [],
};
const sim = (r: SimulationRequest) => simulateRequest(resources, r);

describe('simulateRequest: HTTP through RDS', () => {
  it('routes a header match to its cluster, reporting every step in order', () => {
    const r = sim({ host: 'reviews:9080', headers: { 'end-user': 'jason' } });
    expect(r).toEqual({ listener: '0.0.0.0_9080', routeConfig: '9080', virtualHost: 'reviews.default.svc.cluster.local:9080', route: 'jason', match: '/* end-user=jason', cluster: 'outbound|9080|v2|reviews.default.svc.cluster.local' });
    expect(Object.keys(r)).toEqual(['listener', 'routeConfig', 'virtualHost', 'route', 'match', 'cluster']); // the unnamed filter chain: no key, never 
  });

  it('reports weighted routes as clusters (all candidates) instead of cluster', () => {
    expect(sim({ host: 'reviews', port: 9080, protocol: 'http2' })).toEqual({
      listener: '0.0.0.0_9080', routeConfig: '9080', virtualHost: 'reviews.default.svc.cluster.local:9080', match: '/*',
      clusters: [{ name: 'outbound|9080|v1|reviews.default.svc.cluster.local', weight: 50 }, { name: 'outbound|9080|v3|reviews.default.svc.cluster.local', weight: 50 }],
    });
  });

  it('reports redirect and direct-response routes with no cluster', () => {
    const redirect = sim({ host: 'reviews', port: 9080, path: '/old' });
    expect(redirect).toEqual({ listener: '0.0.0.0_9080', routeConfig: '9080', virtualHost: 'reviews.default.svc.cluster.local:9080', match: '/old' });
    expect(sim({ host: 'reviews', port: 9080, path: '/teapot' })).not.toHaveProperty('cluster');
  });

  it('falls to the catch-all virtual host, and says no route when no route matches', () => {
    expect(sim({ host: 'example.org', port: 9080 }).cluster).toBe('PassthroughCluster');
    expect(sim({ host: 'ratings', port: 9080, path: '/other' })).toEqual({
      listener: '0.0.0.0_9080', routeConfig: '9080', virtualHost: 'ratings.default.svc.cluster.local:9080', error: 'no route',
    });
  });

  it('sends non-HTTP traffic on an HTTP port to the default filter chain', () => {
    expect(sim({ port: 9080, protocol: 'tcp' })).toEqual({ listener: '0.0.0.0_9080', filterChain: 'PassthroughFilterChain', cluster: 'PassthroughCluster' });
  });

  it('matches a proxyless gRPC api_listener by its host:port name when no socket listener takes the request', () => {
    const proxyless: EnvoyResources = { ...resources, listeners: resources.listeners.filter((l) => l.apiListener) };
    expect(simulateRequest(proxyless, { host: 'grpc-svc', port: 50051, protocol: 'grpc', headers: { 'end-user': 'jason' } })).toEqual({
      listener: 'grpc-svc:50051', routeConfig: '9080', virtualHost: 'allow_any', route: 'allow_any', match: '/*', cluster: 'PassthroughCluster',
    });
    expect(simulateRequest(proxyless, { host: 'other', port: 50051, protocol: 'grpc' })).toEqual({ error: 'no listener' });
  });
});

describe('simulateRequest: listeners and TCP', () => {
  it('prefers the exact address:port listener, then 0.0.0.0:port, then virtualOutbound', () => {
    expect(sim({ address: '10.96.0.5', port: 27017, protocol: 'tcp' })).toEqual({ listener: '10.96.0.5_27017', cluster: 'outbound|27017||mongo.default.svc.cluster.local' });
    expect(sim({ address: '10.96.0.99', port: 27017, protocol: 'tcp' })).toEqual({ listener: 'virtualOutbound', filterChain: 'virtualOutbound-catchall-tcp', cluster: 'PassthroughCluster' });
    expect(sim({ address: '10.0.0.1', port: 15001, protocol: 'tcp' })).toEqual({ listener: 'virtualOutbound', filterChain: 'virtualOutbound-blackhole', cluster: 'BlackHoleCluster' });
  });

  it('reports weighted tcp_proxy clusters', () => {
    expect(sim({ address: '10.96.0.6', port: 3306, protocol: 'tcp' }).clusters).toEqual([{ name: 'outbound|3306|a|db', weight: 80 }, { name: 'outbound|3306|b|db', weight: 20 }]);
  });

  it('says no listener when nothing takes the port, and protocol error for a chain it cannot follow', () => {
    const noCapture: EnvoyResources = { ...resources, listeners: resources.listeners.filter((l) => l.name !== 'virtualOutbound') };
    expect(simulateRequest(noCapture, { address: '10.1.1.1', port: 1234 })).toEqual({ error: 'no listener' });
    expect(sim({ port: 7000, protocol: 'tcp' })).toEqual({ listener: '0.0.0.0_7000', filterChain: 'opaque', error: 'protocol error' });
  });
});

describe('simulateRequest: inbound, TLS and mTLS', () => {
  it('uses virtualInbound in inbound mode and picks the mTLS or plaintext chain', () => {
    const mtls = sim({ mode: 'inbound', address: '10.244.0.10', port: 9080, tls: 'mtls', alpn: 'istio-http/1.1,istio' });
    expect(mtls).toEqual({ listener: 'virtualInbound', filterChain: '0.0.0.0_9080', routeConfig: 'inbound|9080||', virtualHost: 'inbound|http|9080', route: 'default', match: '/*', cluster: 'inbound|9080||' });
    expect(sim({ mode: 'inbound', port: 9080 }).cluster).toBe('inbound|9080||');
    expect(sim({ mode: 'inbound', port: 15006, protocol: 'tcp' }).filterChain).toBe('virtualInbound-blackhole');
  });

  it('invalid mtls: a chain requiring a client certificate gets TLS without one', () => {
    expect(sim({ mode: 'inbound', port: 9080, tls: 'tls', alpn: ['istio'] })).toEqual({ listener: 'virtualInbound', filterChain: '0.0.0.0_9080', error: 'invalid mtls' });
  });

  it('invalid tls: a TLS chain gets plaintext (the TLS inspector is disabled on this port, so it cannot tell)', () => {
    expect(sim({ mode: 'inbound', port: 7070, protocol: 'tcp' })).toEqual({ listener: 'virtualInbound', filterChain: '0.0.0.0_7070', error: 'invalid tls' });
  });

  it('terminates TLS by SNI on a gateway and routes the HTTP inside', () => {
    expect(sim({ port: 8443, tls: 'tls', host: 'secure.example.com' })).toEqual({
      listener: '0.0.0.0_8443', routeConfig: 'https.443.https.gw.istio-system', virtualHost: 'secure.example.com:443', match: '/*', cluster: 'outbound|80||web.default.svc.cluster.local',
    });
    expect(sim({ port: 8443, tls: 'tls', host: 'mutual.example.com' }).error).toBe('invalid mtls');
    expect(sim({ port: 8443, tls: 'mtls', host: 'mutual.example.com' }).error).toBe('no virtual host');
    expect(sim({ port: 8443, tls: 'tls', sni: 'passthrough.example.com', protocol: 'tcp' }).cluster).toBe('outbound|443||passthrough.example.com');
    expect(sim({ port: 8443, tls: 'tls', host: 'unknown.example.com' })).toEqual({ listener: '0.0.0.0_8443', error: 'no filter chain' });
  });

  it('protocol error: TLS into a plaintext HTTP connection manager, raw TCP into HTTP, or the wrong codec', () => {
    expect(sim({ port: 8443, tls: 'tls', host: 'plain-http.example.com' }).error).toBe('protocol error');
    expect(sim({ port: 8080, protocol: 'tcp' }).error).toBe('protocol error');
    expect(sim({ port: 8080, protocol: 'http2', host: 'secure.example.com' })).toEqual({ listener: '0.0.0.0_8080', error: 'protocol error' });
  });

  it('tls required: plaintext to a virtual host with require_tls ALL; no virtual host otherwise', () => {
    expect(sim({ port: 8080, host: 'secure.example.com' })).toEqual({ listener: '0.0.0.0_8080', routeConfig: 'http.8080', virtualHost: 'secure.example.com:80', error: 'tls required' });
    expect(sim({ port: 8080, host: 'secure.example.com:8080' }).error).toBe('no virtual host'); // no ignore_port_in_host_matching here
    expect(sim({ port: 8081, host: 'a' })).toEqual({ listener: '0.0.0.0_8081', routeConfig: 'missing-routes', error: 'no virtual host' });
  });
});
