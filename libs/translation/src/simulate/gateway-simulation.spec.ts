import { INGRESS_GATEWAY, serviceYaml, simulateRow, type SimulationRow } from '../testing/simulation-table.js';

// Gateways (issue 10, family 5), as istiod serves them to the ingress gateway: requests and the
// listener / route configuration / virtual host / cluster istiod's config takes them to. Rows follow
// istio/istio pilot/pkg/networking/core/gateway_simulation_test.go (TestHTTPGateway,
// TestGatewayConflicts), the merge rules of pilot/pkg/model/gateway.go (mergeGateways,
// CheckDuplicates, canMergeProtocols, gatewayRDSRouteName) and the route builder of
// pilot/pkg/networking/core/gateway.go (buildGatewayHTTPRouteConfig). The gateway proxy has no
// Service here, as in istiod's runGatewayTest, so servers listen on their own port. istiod's tests
// run without backing Services (clusters named after the listener port); these fixtures declare
// the Services, so the clusters carry the Services' ports and cluster.local names.

/** istiod's createGateway: a Gateway selecting istio=ingressgateway with the given servers. */
const gateway = (name: string, ns: string, ...servers: string[]): string => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {istio: ingressgateway}
  servers:
${servers.map((s) => `  - ${s.trim().split('\n').join('\n    ')}`).join('\n')}
`;
const httpServer = `port: {number: 80, name: http, protocol: HTTP}
hosts: ["foo.bar"]`;
const tcpServer = `port: {number: 80, name: tcp, protocol: TCP}
hosts: ["foo.bar"]`;
const redirectServer = `port: {number: 80, name: http, protocol: HTTP}
hosts: ["example.com"]
tls: {httpsRedirect: true}`;
const httpsServer = (portName: string, host: string, credential = 'test', tlsExtra = ''): string => `port: {number: 443, name: ${portName}, protocol: HTTPS}
hosts: ["${host}"]
tls: {mode: SIMPLE, credentialName: ${credential}${tlsExtra}}`;
/** TestHTTPGateway's simpleRoute: example.com on `gateway` → b. */
const simpleRoute = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: default}
spec:
  hosts: ["example.com"]
  gateways: [gateway]
  http:
  - match: [{uri: {prefix: /}}]
    route: [{destination: {host: b}}]
`;
const vsTo = (name: string, ns: string, host: string, gw: string, dest: string, kind: 'http' | 'tcp' = 'http'): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${ns}}
spec:
  hosts: ["${host}"]
  gateways: [${gw}]
  ${kind}:
  - route: [{destination: {host: ${dest}}}]
`;
const services = [
  serviceYaml('a', 'default', 80, 'http', '10.96.0.10'),
  serviceYaml('b', 'default', 80, 'http', '10.96.0.11'),
  serviceYaml('productpage', 'default', 9080, 'http', '10.96.0.12'),
  serviceYaml('echo', 'ns-1', 80, 'http', '10.96.0.13'),
  serviceYaml('echo', 'ns-2', 80, 'http', '10.96.0.14'),
  serviceYaml('mysite', 'default', 443, 'tls', '10.96.0.15'),
];
const row = (r: Omit<SimulationRow, 'proxy'>): SimulationRow => ({ ...r, proxy: INGRESS_GATEWAY, config: [...r.config, ...services] });
const http = (host: string, port = 80, path = '/'): SimulationRow['request'] => ({ host, port, path, protocol: 'http' });
const https = (host: string, path = '/'): SimulationRow['request'] => ({ host, port: 443, path, protocol: 'http', tls: 'tls' });
const B = 'outbound|80||b.default.svc.cluster.local';
/** TestGatewayConflicts "multiple wildcards with virtual service disambiguator". */
const disambiguator = [gateway('alpha', 'default', `hosts: [ns-1/*.example.com]
port: {name: http, number: 80, protocol: HTTP}`), gateway('beta', 'default', `hosts: [ns-2/*.example.com]
port: {name: http, number: 80, protocol: HTTP}`), vsTo('default', 'ns-1', 'ns-1.example.com', 'default/alpha', 'echo'), vsTo('default', 'ns-2', 'ns-2.example.com', 'default/beta', 'echo')];
/** TestGatewayConflicts "multiple virtual services that should become separate vhosts" (foobar → b, foo → a, bar → productpage). */
const separateVhosts = [gateway('public-gw', 'istio-system', `port: {number: 80, name: http, protocol: HTTP}
hosts: [foo.example.com, bar.example.com]`), ...[
  ['foobar-vs', '2010', 'foo.example.com, bar.example.com', '[{uri: {prefix: /1}}, {uri: {prefix: /2}}, {uri: {prefix: /3}}]', 'b'],
  ['foo-vs', '2015', 'foo.example.com', '[{uri: {prefix: /foo}}]', 'a'],
  ['bar-vs', '2020', 'bar.example.com', '[{uri: {prefix: /bar}}]', 'productpage'],
].map(([name, year, hosts, match, dest]) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: default, creationTimestamp: '${year}-01-01T00:00:00Z'}
spec:
  hosts: [${hosts}]
  gateways: [istio-system/public-gw]
  http: [{match: ${match}, route: [{destination: {host: ${dest}}}]}]
`)];
/** Two HTTPS servers of one Gateway on 443 (port names https-a, https-b), each with a VirtualService. */
const twoHttpsServers = [gateway('gw', 'default', httpsServer('https-a', 'a.example.com'), httpsServer('https-b', 'b.example.com')),
  vsTo('a', 'default', 'a.example.com', 'gw', 'a'), vsTo('b', 'default', 'b.example.com', 'gw', 'b')];

const rows: SimulationRow[] = [
  row({
    name: 'a server with no VirtualService: listener and http.80, the empty blackhole:80 host (404)',
    source: 'gateway_simulation_test.go TestHTTPGateway "no virtual services" / defined port',
    config: [gateway('default', 'default', httpServer)],
    request: http('foo.bar'),
    expect: { listener: '0.0.0.0_80', routeConfig: 'http.80', virtualHost: 'blackhole:80', error: 'no route' },
  }),
  row({
    name: 'a port no server declares has no listener',
    source: 'gateway_simulation_test.go TestHTTPGateway "no virtual services" / undefined port',
    config: [gateway('default', 'default', httpServer)],
    request: http('foo.bar', 81),
    expect: { error: 'no listener' },
  }),
  row({
    name: 'httpsRedirect with no VirtualService bound still answers the redirect (a host without routes, require_tls ALL)',
    source: 'gateway_simulation_test.go TestHTTPGateway "httpsRedirect without routes"; gateway.go buildGatewayHTTPRouteConfig',
    config: [gateway('gateway', 'default', redirectServer)],
    request: http('example.com'),
    expect: { listener: '0.0.0.0_80', routeConfig: 'http.80', virtualHost: 'example.com:80', error: 'tls required' },
  }),
  row({
    name: 'httpsRedirect with a VirtualService bound: the same redirect',
    source: 'gateway_simulation_test.go TestHTTPGateway "httpsRedirect with routes"',
    config: [gateway('gateway', 'default', redirectServer), simpleRoute],
    request: http('example.com'),
    expect: { listener: '0.0.0.0_80', routeConfig: 'http.80', virtualHost: 'example.com:80', error: 'tls required' },
  }),
  row({
    name: 'a redirecting and a plain server for one host on one port: the host redirects',
    source: 'gateway_simulation_test.go TestHTTPGateway "mixed httpsRedirect with routes"',
    config: [gateway('gateway', 'default', redirectServer), gateway('gateway2', 'default', `port: {number: 80, name: http, protocol: HTTP}
hosts: ["example.com"]`), simpleRoute],
    request: http('example.com'),
    expect: { listener: '0.0.0.0_80', routeConfig: 'http.80', virtualHost: 'example.com:80', error: 'tls required' },
  }),
  row({
    name: 'httpsRedirect on an HTTPS server is ignored: the TLS request is routed',
    source: 'gateway_simulation_test.go TestHTTPGateway "httpsRedirect on https"',
    config: [gateway('gateway', 'default', httpsServer('https', 'example.com', 'test', ', httpsRedirect: true')), simpleRoute],
    request: https('example.com'),
    expect: { listener: '0.0.0.0_443', routeConfig: 'https.443.https.gateway.default', virtualHost: 'example.com:443', cluster: B },
  }),
  row({
    name: 'httpsRedirect on a host written ./host: istiod\'s redirect host keeps the namespace in its domain, so no virtual host matches',
    source: 'model/gateway.go sanitizeServerHostNamespace (./h → ns/h) then gateway.go buildGatewayHTTPRouteConfig (redirect hosts from server.Hosts as sanitized)',
    config: [gateway('gw', 'default', `port: {number: 80, name: http, protocol: HTTP}
hosts: ["./example.com"]
tls: {httpsRedirect: true}`)],
    request: http('example.com'),
    expect: { listener: '0.0.0.0_80', routeConfig: 'http.80', error: 'no virtual host' },
  }),
  row({
    name: 'the same TCP server in two namespaces: the first Gateway (alpha) wins the port; the VirtualService binds the dropped one, so no listener',
    source: 'gateway_simulation_test.go TestGatewayConflicts "duplicate cross namespace gateway collision" (istio#21394); gateway.go mergeGateways "could not build RDS name"',
    config: [gateway('gateway', 'istio-system', tcpServer), gateway('gateway', 'alpha', tcpServer), vsTo('bookinfo', 'default', '*', 'istio-system/gateway', 'productpage', 'tcp')],
    request: { port: 80, protocol: 'tcp' },
    expect: { error: 'no listener' },
  }),
  row({
    name: 'the same TCP server in two namespaces: istio-system comes first (before zeta) and serves the bound route',
    source: 'gateway_simulation_test.go TestGatewayConflicts "duplicate cross namespace gateway collision - selected first"',
    config: [gateway('gateway', 'istio-system', tcpServer), gateway('gateway', 'zeta', tcpServer), vsTo('bookinfo', 'default', '*', 'istio-system/gateway', 'productpage', 'tcp')],
    request: { port: 80, protocol: 'tcp' },
    expect: { listener: '0.0.0.0_80', cluster: 'outbound|9080||productpage.default.svc.cluster.local' },
  }),
  row({
    name: 'TCP then HTTP on one port: TCP wins; with no tcp route there is no listener',
    source: 'gateway_simulation_test.go TestGatewayConflicts "multiple protocols on a port - tcp first"; gateway.go canMergeProtocols',
    config: [gateway('alpha', 'default', tcpServer), gateway('beta', 'default', httpServer)],
    request: { port: 80, protocol: 'tcp' },
    expect: { error: 'no listener' },
  }),
  row({
    name: 'HTTP then TCP on one port: HTTP wins (http.80, blackhole:80)',
    source: 'gateway_simulation_test.go TestGatewayConflicts "multiple protocols on a port - http first"',
    config: [gateway('beta', 'default', tcpServer), gateway('alpha', 'default', httpServer)],
    request: http('foo.bar'),
    expect: { listener: '0.0.0.0_80', routeConfig: 'http.80', virtualHost: 'blackhole:80', error: 'no route' },
  }),
  row({
    name: 'HTTP then TCP on one port: a TCP route bound to the dropped TCP server does not make a TCP chain',
    source: 'gateway.go mergeGateways: "conflict with existing server" drops the TCP server',
    config: [gateway('beta', 'default', tcpServer), gateway('alpha', 'default', httpServer), vsTo('tcp', 'default', 'foo.bar', 'beta', 'productpage', 'tcp')],
    request: http('foo.bar'),
    expect: { listener: '0.0.0.0_80', routeConfig: 'http.80', virtualHost: 'blackhole:80', error: 'no route' },
  }),
  row({
    name: 'HTTP servers of two Gateways on one port share http.80; each VirtualService reaches its namespace (ns-1)',
    source: 'gateway_simulation_test.go TestGatewayConflicts "multiple wildcards with virtual service disambiguator"',
    config: disambiguator,
    request: http('ns-1.example.com'),
    expect: { listener: '0.0.0.0_80', routeConfig: 'http.80', cluster: 'outbound|80||echo.ns-1.svc.cluster.local' },
  }),
  row({
    name: '... and ns-2',
    source: 'gateway_simulation_test.go TestGatewayConflicts "multiple wildcards with virtual service disambiguator"',
    config: disambiguator,
    request: http('ns-2.example.com'),
    expect: { listener: '0.0.0.0_80', routeConfig: 'http.80', cluster: 'outbound|80||echo.ns-2.svc.cluster.local' },
  }),
  row({
    name: 'one VirtualService for two hosts: the hosts share one virtual host, named after the more specific (then alphabetically first) host',
    source: 'gateway.go collapseDuplicateRoutes (PILOT_ENABLE_ROUTE_COLLAPSE_OPTIMIZATION, on by default) with host.Names MoreSpecific order',
    config: [gateway('public-gw', 'istio-system', `port: {number: 80, name: http, protocol: HTTP}
hosts: [foo.example.com, bar.example.com]`), `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: foobar-vs, namespace: default}
spec:
  hosts: [foo.example.com, bar.example.com]
  gateways: [istio-system/public-gw]
  http: [{route: [{destination: {host: a}}]}]
`],
    request: http('foo.example.com'),
    expect: { listener: '0.0.0.0_80', routeConfig: 'http.80', virtualHost: 'bar.example.com:80', cluster: 'outbound|80||a.default.svc.cluster.local' },
  }),
  row({
    name: 'hosts whose route lists differ keep separate virtual hosts (foo: foobar-vs + foo-vs)',
    source: 'gateway_simulation_test.go TestGatewayConflicts "multiple virtual services that should become separate vhosts"',
    config: separateVhosts,
    request: http('foo.example.com', 80, '/foo'),
    expect: { listener: '0.0.0.0_80', routeConfig: 'http.80', virtualHost: 'foo.example.com:80', cluster: 'outbound|80||a.default.svc.cluster.local' },
  }),
  row({
    name: '... (bar: foobar-vs + bar-vs; the shared foobar route still serves /1)',
    source: 'gateway_simulation_test.go TestGatewayConflicts "multiple virtual services that should become separate vhosts"',
    config: separateVhosts,
    request: http('bar.example.com', 80, '/1'),
    expect: { listener: '0.0.0.0_80', routeConfig: 'http.80', virtualHost: 'bar.example.com:80', cluster: B },
  }),
  row({
    name: 'the same HTTPS host on 443 in Gateways of two namespaces: the first (alpha) keeps it, the other is dropped',
    source: 'gateway.go mergeGateways + CheckDuplicates ("skipping server on gateway ..., duplicate host names"); gatewayRDSRouteName https.<port>.<portName>.<gw>.<ns>',
    config: [gateway('gw', 'beta', httpsServer('https', 'foo.example.com', 'beta-cert')), gateway('gw', 'alpha', httpsServer('https', 'foo.example.com', 'alpha-cert')),
      vsTo('a', 'default', 'foo.example.com', 'alpha/gw', 'a'), vsTo('b', 'default', 'foo.example.com', 'beta/gw', 'b')],
    request: https('foo.example.com'),
    expect: { listener: '0.0.0.0_443', routeConfig: 'https.443.https.gw.alpha', virtualHost: 'foo.example.com:443', cluster: 'outbound|80||a.default.svc.cluster.local' },
  }),
  row({
    name: 'several HTTPS servers on one port: one filter chain per SNI, each with its own route configuration (a)',
    source: 'gateway.go gatewayRDSRouteName (one RDS per HTTPS server) and createGatewayHTTPFilterChainOpts (sniHosts = server hosts)',
    config: twoHttpsServers,
    request: https('a.example.com'),
    expect: { listener: '0.0.0.0_443', routeConfig: 'https.443.https-a.gw.default', virtualHost: 'a.example.com:443', cluster: 'outbound|80||a.default.svc.cluster.local' },
  }),
  row({
    name: '... (b)',
    source: 'gateway.go gatewayRDSRouteName and createGatewayHTTPFilterChainOpts',
    config: twoHttpsServers,
    request: https('b.example.com'),
    expect: { listener: '0.0.0.0_443', routeConfig: 'https.443.https-b.gw.default', virtualHost: 'b.example.com:443', cluster: B },
  }),
  row({
    name: '... and an SNI no server names matches no filter chain',
    source: 'listener.go toFilterChainMatch (server_names), gateway.go createGatewayHTTPFilterChainOpts',
    config: [gateway('gw', 'default', httpsServer('https-a', 'a.example.com'), httpsServer('https-b', 'b.example.com'))],
    request: https('c.example.com'),
    expect: { listener: '0.0.0.0_443', error: 'no filter chain' },
  }),
  row({
    name: 'a second HTTPS server of the same Gateway repeating a host is dropped: the first server keeps the SNI',
    source: 'gateway.go mergeGateways + CheckDuplicates (duplicate SNI chains would make Envoy reject the listener)',
    config: [gateway('gw', 'default', httpsServer('https-a', 'a.example.com'), httpsServer('https-a2', 'a.example.com')),
      vsTo('a', 'default', 'a.example.com', 'gw', 'a')],
    request: https('a.example.com'),
    expect: { listener: '0.0.0.0_443', routeConfig: 'https.443.https-a.gw.default', cluster: 'outbound|80||a.default.svc.cluster.local' },
  }),
  row({
    name: 'a TLS server with `*` among its hosts matches every SNI (no server_names)',
    source: 'listener.go toFilterChainMatch: a "*" SNI host drops server_names',
    config: [gateway('gw', 'default', `port: {number: 443, name: https, protocol: HTTPS}
hosts: ["*", "a.example.com"]
tls: {mode: SIMPLE, credentialName: test}`), vsTo('a', 'default', 'a.example.com', 'gw', 'a')],
    request: { host: 'a.example.com', sni: 'other.example.com', port: 443, protocol: 'http', tls: 'tls' },
    expect: { listener: '0.0.0.0_443', routeConfig: 'https.443.https.gw.default', cluster: 'outbound|80||a.default.svc.cluster.local' },
  }),
  row({
    name: 'two VirtualServices with the same passthrough SNI: the older one routes',
    source: 'gateway_simulation_test.go TestGatewayConflicts "duplicate tls virtual service"',
    config: [`apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ingressgateway, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - hosts: ['*.example.com']
    port: {name: https, number: 443, protocol: HTTPS}
    tls: {mode: PASSTHROUGH}
`, ...['vs1', 'vs2'].map((name) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: default}
spec:
  gateways: [istio-system/ingressgateway]
  hosts: [mysite.example.com]
  tls:
  - match: [{port: 443, sniHosts: [mysite.example.com]}]
    route: [{destination: {host: mysite.default.svc.cluster.local, port: {number: 443}}}]
`)],
    request: { host: 'mysite.example.com', port: 443, protocol: 'http', tls: 'tls' },
    expect: { listener: '0.0.0.0_443', cluster: 'outbound|443||mysite.default.svc.cluster.local' },
  }),
];

describe('gateway simulation (istiod gateway_simulation_test.go, model/gateway.go mergeGateways)', () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, r) => {
    expect(simulateRow(r)).toEqual(r.expect);
  });
});
