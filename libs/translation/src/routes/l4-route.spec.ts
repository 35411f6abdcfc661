import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildTcpFilterChains } from './tcp-route.js';
import { buildTlsFilterChains } from './tls-route.js';
import type { L4RouteTarget } from './l4-route.js';
import { routeWorld, sidecarProxy, gatewayProxy, chainsJson, vsMetadata } from './testing/route-world.js';
import type { ProxyView } from '../proxy.js';

const samples = path.resolve(__dirname, '../../../../../shared/samples');
const sample = (name: string): string => fs.readFileSync(path.join(samples, name), 'utf8');
const TCP_PROXY = 'envoy.filters.network.tcp_proxy';
const TCP_PROXY_TYPE = 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';
const ECHO = 'tcp-echo.default.svc.cluster.local';

const echoService = `apiVersion: v1
kind: Service
metadata: {name: tcp-echo, namespace: default}
spec:
  clusterIP: 10.96.20.1
  ports: [{name: tcp, port: 9000}, {name: tcp-other, port: 9001}]
  selector: {app: tcp-echo}
`;
const echoRule = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: tcp-echo, namespace: default}
spec:
  host: tcp-echo
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
`;

/** A tcp_proxy filter in proto3 JSON. */
function tcpProxy(config: Record<string, unknown>): unknown {
  return { name: TCP_PROXY, typedConfig: { '@type': TCP_PROXY_TYPE, ...config } };
}
function toCluster(cluster: string, extra: Record<string, unknown> = {}): unknown {
  return tcpProxy({ statPrefix: cluster, cluster, ...extra });
}

interface Built { chains: any[]; problems: string[] }
function build(kind: 'tcp' | 'tls', texts: string[], o: Partial<Omit<L4RouteTarget, 'push' | 'virtualServices'>> & { vsNames?: string[]; serviceHost?: string } = {}): Built {
  const w = routeWorld(texts);
  const problems: string[] = [];
  const proxy: ProxyView = o.proxy ?? sidecarProxy();
  const service = o.serviceHost ? w.push.serviceByHostname(o.serviceHost) : undefined;
  const t: L4RouteTarget = {
    push: w.push, proxy, gateway: o.gateway ?? 'mesh', port: o.port ?? 9000,
    virtualServices: (o.vsNames ?? []).map((n) => w.vs(n)),
    ...(service ? { service } : {}),
    ...(o.destinationCidrs ? { destinationCidrs: o.destinationCidrs } : {}),
    ...(o.sniOnDefault ? { sniOnDefault: o.sniOnDefault } : {}),
    ...(o.usedSniHosts ? { usedSniHosts: o.usedSniHosts } : {}),
    onProblem: (p) => problems.push(p),
  };
  return { chains: chainsJson(kind === 'tcp' ? buildTcpFilterChains(t) : buildTlsFilterChains(t)) as any[], problems };
}

describe('buildTcpFilterChains on a gateway (istio samples tcp-echo)', () => {
  const gw = { proxy: gatewayProxy(), gateway: 'default/tcp-echo-gateway', port: 31400, vsNames: ['tcp-echo'] };
  it('tcp-echo-20-v2: one chain, weighted tcp_proxy with stat prefix <vs>.<ns>', () => {
    const b = build('tcp', [echoService, sample('samples_tcp-echo__tcp-echo-20-v2.yaml'), sample('samples_tcp-echo__tcp-echo-all-v1.yaml')], gw);
    expect(b.chains).toEqual([{
      filters: [tcpProxy({ statPrefix: 'tcp-echo.default', weightedClusters: { clusters: [{ name: `outbound|9000|v1|${ECHO}`, weight: 80 }, { name: `outbound|9000|v2|${ECHO}`, weight: 20 }] } })],
    }]);
  });
  it('tcp-echo-all-v1: single destination, stat prefix = cluster', () => {
    const b = build('tcp', [echoService, sample('samples_tcp-echo__tcp-echo-all-v1.yaml')], gw);
    expect(b.chains).toEqual([{ filters: [toCluster(`outbound|9000|v1|${ECHO}`)] }]);
  });
  it('no chain when the match is for another server port', () => {
    expect(build('tcp', [echoService, sample('samples_tcp-echo__tcp-echo-all-v1.yaml')], { ...gw, port: 31401 }).chains).toEqual([]);
  });
});

describe('buildTcpFilterChains on a sidecar', () => {
  const vs = (tcp: string): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: tcp-echo, namespace: default}
spec:
  hosts: [tcp-echo]
  tcp: ${tcp}
`;
  const sc = { vsNames: ['tcp-echo'], serviceHost: ECHO, port: 9000 };

  it('a tcp entry without match is the catch-all chain with the VirtualService metadata', () => {
    const b = build('tcp', [echoService, echoRule, vs(`[{route: [{destination: {host: tcp-echo, subset: v2}}]}]`)], sc);
    expect(b.chains).toEqual([{ filters: [toCluster(`outbound|9000|v2|${ECHO}`)], metadata: vsMetadata('tcp-echo') }]);
  });

  it('destinationSubnets become prefix_ranges on their own chain; a later catch-all ends the list', () => {
    const b = build('tcp', [echoService, echoRule, vs(`[
      {match: [{destinationSubnets: [10.1.0.0/16, 10.2.3.4]}], route: [{destination: {host: tcp-echo, subset: v1}}]},
      {match: [{port: 9000}], route: [{destination: {host: tcp-echo, subset: v2}}]},
      {route: [{destination: {host: tcp-echo}}]}]`)], sc);
    expect(b.chains).toEqual([
      { filterChainMatch: { prefixRanges: [{ addressPrefix: '10.1.0.0', prefixLen: 16 }, { addressPrefix: '10.2.3.4', prefixLen: 32 }] }, filters: [toCluster(`outbound|9000|v1|${ECHO}`)] },
      { filters: [toCluster(`outbound|9000|v2|${ECHO}`)], metadata: vsMetadata('tcp-echo') },
    ]);
  });

  it('falls back to the service cluster (listener port for a multi-port service) when no match applies', () => {
    const b = build('tcp', [echoService, echoRule, vs(`[{match: [{sourceLabels: {app: nobody}}, {port: 9001}], route: [{destination: {host: tcp-echo, subset: v1}}]}]`)], sc);
    expect(b.chains).toEqual([{ filters: [toCluster(`outbound|9000||${ECHO}`)] }]);
    // For a proxy with the labels the first match applies.
    const labelled = build('tcp', [echoService, echoRule, vs(`[{match: [{sourceLabels: {app: curl}}], route: [{destination: {host: tcp-echo, subset: v1}}]}]`)], { ...sc, proxy: sidecarProxy('default', { app: 'curl' }) });
    expect(labelled.chains).toEqual([{ filters: [toCluster(`outbound|9000|v1|${ECHO}`)], metadata: vsMetadata('tcp-echo') }]);
  });

  it('takes idle timeout, max connection duration and a source-IP hash from the DestinationRule', () => {
    const rule = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: tcp-echo, namespace: default}
spec:
  host: tcp-echo
  trafficPolicy:
    connectionPool: {tcp: {idleTimeout: 30m, maxConnectionDuration: 1h}}
    loadBalancer: {consistentHash: {useSourceIp: true}}
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}, trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}}]
`;
    const one = build('tcp', [echoService, rule, vs(`[{route: [{destination: {host: tcp-echo, subset: v1}}]}]`)], sc);
    expect(one.chains[0].filters).toEqual([toCluster(`outbound|9000|v1|${ECHO}`, { idleTimeout: '1800s', hashPolicy: [{ sourceIp: {} }], maxDownstreamConnectionDuration: '3600s' })]);
    // A subset with its own non-hash load balancer turns the source-IP hash off.
    const v2 = build('tcp', [echoService, rule, vs(`[{route: [{destination: {host: tcp-echo, subset: v2}}]}]`)], sc);
    expect(v2.chains[0].filters).toEqual([toCluster(`outbound|9000|v2|${ECHO}`, { idleTimeout: '1800s', maxDownstreamConnectionDuration: '3600s' })]);
  });

  it('takes the idle timeout from node metadata IDLE_TIMEOUT when no DestinationRule sets one', () => {
    const b = build('tcp', [echoService, echoRule], { ...sc, vsNames: [], proxy: sidecarProxy('default', {}, { IDLE_TIMEOUT: '45s' }) });
    expect(b.chains).toEqual([{ filters: [toCluster(`outbound|9000||${ECHO}`, { idleTimeout: '45s' })] }]);
  });

  it('matches the service CIDRs on the default chain', () => {
    const b = build('tcp', [echoService], { ...sc, vsNames: [], destinationCidrs: ['192.168.0.0/24'] });
    expect(b.chains).toEqual([{ filterChainMatch: { prefixRanges: [{ addressPrefix: '192.168.0.0', prefixLen: 24 }] }, filters: [toCluster(`outbound|9000||${ECHO}`)] }]);
  });
});

describe('buildTlsFilterChains', () => {
  const external = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: external, namespace: default}
spec:
  hosts: [api.example.com, www.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
  location: MESH_EXTERNAL
`;
  const tlsVs = (name: string, tls: string, gateways = ''): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: default}
spec:
  hosts: [api.example.com, www.example.com]
${gateways}  tls: ${tls}
`;

  it('sidecar: one chain per SNI match (server_names sorted), VirtualService metadata; repeated runtime matches once', () => {
    const vs = tlsVs('sni', `[
      {match: [{sniHosts: [www.example.com, api.example.com]}], route: [{destination: {host: api.example.com}}]},
      {match: [{sniHosts: [www.example.com, api.example.com], sourceNamespace: default}], route: [{destination: {host: www.example.com}}]}]`);
    const b = build('tls', [external, vs], { vsNames: ['sni'], serviceHost: 'api.example.com', port: 443 });
    expect(b.chains).toEqual([{
      filterChainMatch: { serverNames: ['api.example.com', 'www.example.com'] },
      filters: [toCluster('outbound|443||api.example.com')],
      metadata: vsMetadata('sni'),
    }]);
  });

  it('sidecar without a VirtualService: the service cluster, SNI = host only for a wildcard-bound listener', () => {
    expect(build('tls', [external], { serviceHost: 'api.example.com', port: 443 }).chains).toEqual([{ filters: [toCluster('outbound|443||api.example.com')] }]);
    expect(build('tls', [external], { serviceHost: 'api.example.com', port: 443, sniOnDefault: true }).chains)
      .toEqual([{ filterChainMatch: { serverNames: ['api.example.com'] }, filters: [toCluster('outbound|443||api.example.com')] }]);
  });

  it('gateway PASSTHROUGH: chains per matching tls entry; an SNI host already routed on the port is skipped and reported', () => {
    const gwLine = '  gateways: [istio-system/passthrough]\n';
    const a = tlsVs('a', `[{match: [{port: 443, sniHosts: [www.example.com, api.example.com]}], route: [{destination: {host: api.example.com}}]}, {match: [{port: 8443, sniHosts: [api.example.com]}], route: [{destination: {host: api.example.com}}]}]`, gwLine);
    const used = new Set<string>();
    const o = { proxy: gatewayProxy(), gateway: 'istio-system/passthrough', port: 443, usedSniHosts: used };
    const first = build('tls', [external, a], { ...o, vsNames: ['a'] });
    expect(first.chains).toEqual([{ filterChainMatch: { serverNames: ['api.example.com', 'www.example.com'] }, filters: [toCluster('outbound|443||api.example.com')] }]);
    const again = build('tls', [external, a], { ...o, vsNames: ['a'] });
    expect(again.chains).toEqual([]);
    expect(again.problems).toEqual(['VirtualService default/a tls[0].match.sniHosts: duplicate SNI host names www.example.com, api.example.com on port 443; match skipped']);
  });
});
