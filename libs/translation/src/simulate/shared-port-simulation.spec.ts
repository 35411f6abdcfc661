import { loadYaml, type ConfigObject } from '@minipilot/config';
import { simulate, translate } from '../translate.js';
import { simulationSteps, type SimulationSteps } from '../testing/simulation-table.js';
import type { SimulationRequest } from './request.js';

// Family 8 of issue 10: services of different protocols on one port merge as istiod merges them
// instead of "first service wins". Every expectation comes from istiod:
// - listener_test.go TestOutboundListenerConflict_HTTPWithCurrentUnknown, _TCPWithCurrentUnknown,
//   _UnknownWithCurrentTCP, _UnknownWithCurrentHTTP, _WellKnowPorts (testOutboundListenerConflict):
//   services without VIP on one port, taken in creation-time order, make one 0.0.0.0 listener with
//   an HTTP chain (RDS = the port) and a default TCP chain to the oldest TCP or sniffed service,
//   except that a MySQL (or Mongo) port never shares: the oldest one keeps a lone TCP chain;
// - listener.go buildSidecarOutboundListener conflict types (HTTPOverTCP, TCPOverHTTP, AutoOverTCP,
//   TCPOverAuto: "Merge the two and upgrade to sniffed"; an HTTP port on 0.0.0.0 is already sniffed)
//   and isConflictWithWellKnownPort; buildListenerFromEntry: a match-all chain is the default chain.

/** A ServiceEntry without addresses (istiod's buildService at the wildcard address) on one port. */
const entry = (host: string, protocol: string, created: string, port = 8080): string => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${host.split('.')[0]}, namespace: default, creationTimestamp: '${created}'}
spec:
  hosts: [${host}]
  location: MESH_INTERNAL
  resolution: STATIC
  endpoints: [{address: 10.10.0.${created.slice(17, 19)}}]
  ports: [{name: default, number: ${port}${protocol ? `, protocol: ${protocol}` : ''}}]`;
const NOW = '2024-01-01T00:00:10Z';
const PLUS1 = '2024-01-01T00:00:11Z';
const PLUS2 = '2024-01-01T00:00:12Z';
const objects = (...docs: string[]): ConfigObject[] => [...loadYaml(docs.join('\n---\n')).objects];
const node = { id: 'sidecar~10.244.0.10~client-0.default~default.svc.cluster.local' };
const cluster = (host: string, port = 8080): string => `outbound|${port}||${host}`;
const tcp: SimulationRequest = { address: '1.3.3.7', port: 8080, protocol: 'tcp' };
const http = (host: string): SimulationRequest => ({ address: '1.3.3.7', port: 8080, protocol: 'http', host });

const cases: [string, ConfigObject[], [string, SimulationRequest, SimulationSteps][]][] = [
  ['HTTPWithCurrentUnknown: the oldest sniffed service keeps the TCP default; HTTP hosts are routed', objects(entry('test1.com', 'HTTP', PLUS1), entry('test2.com', '', NOW), entry('test3.com', 'HTTP', PLUS2)), [
    ['tcp', tcp, { listener: '0.0.0.0_8080', cluster: cluster('test2.com') }],
    ['http test1.com', http('test1.com'), { listener: '0.0.0.0_8080', routeConfig: '8080', virtualHost: 'test1.com:8080', cluster: cluster('test1.com') }],
    ['http test3.com', http('test3.com'), { listener: '0.0.0.0_8080', routeConfig: '8080', virtualHost: 'test3.com:8080', cluster: cluster('test3.com') }],
  ]],
  ['TCPWithCurrentUnknown: later TCP services conflict with the sniffed service\'s TCP chain', objects(entry('test1.com', 'TCP', PLUS1), entry('test2.com', '', NOW), entry('test3.com', 'TCP', PLUS2)), [
    ['tcp', tcp, { listener: '0.0.0.0_8080', cluster: cluster('test2.com') }],
    ['http test2.com', http('test2.com'), { listener: '0.0.0.0_8080', routeConfig: '8080', virtualHost: 'test2.com:8080', cluster: cluster('test2.com') }],
  ]],
  ['UnknownWithCurrentTCP: the TCP service keeps the default chain, the sniffed ones add the HTTP chain', objects(entry('test1.com', '', PLUS1), entry('test2.com', 'TCP', NOW), entry('test3.com', '', PLUS2)), [
    ['tcp', tcp, { listener: '0.0.0.0_8080', cluster: cluster('test2.com') }],
    ['http test1.com', http('test1.com'), { listener: '0.0.0.0_8080', routeConfig: '8080', virtualHost: 'test1.com:8080', cluster: cluster('test1.com') }],
  ]],
  ['UnknownWithCurrentHTTP: the oldest sniffed service takes the TCP default of the HTTP listener', objects(entry('test1.com', '', PLUS1), entry('test2.com', 'HTTP', NOW), entry('test3.com', '', PLUS2)), [
    ['tcp', tcp, { listener: '0.0.0.0_8080', cluster: cluster('test1.com') }],
    ['http test2.com', http('test2.com'), { listener: '0.0.0.0_8080', routeConfig: '8080', virtualHost: 'test2.com:8080', cluster: cluster('test2.com') }],
  ]],
];

describe.each(cases)('%s (listener_test.go)', (_name, objs, rows) => {
  it('one 0.0.0.0_8080 listener: the HTTP chain and a default TCP chain', () => {
    expect(translate(objs, node).listeners.filter((l) => l.name.endsWith('_8080')).map((l) => l.name)).toEqual(['0.0.0.0_8080']);
    const l = translate(objs, node).listeners.find((x) => x.name === '0.0.0.0_8080')!;
    expect(l.filterChains.map((c) => c.filterChainMatch?.applicationProtocols)).toEqual([['http/1.1', 'h2c']]);
    expect(l.defaultFilterChain?.filters.map((f) => f.name)).toEqual(['envoy.filters.network.tcp_proxy']);
  });
  it.each(rows)('%s', (_row, request, want) => {
    expect(simulationSteps(simulate(objs, node, request))).toEqual(want);
  });
});

describe('WellKnowPorts: MySQL never shares a port (isConflictWithWellKnownPort)', () => {
  it.each([3306, 9999])('MySQL oldest on %i: one TCP chain to it; HTTP traffic takes it too', (port) => {
    const objs = objects(entry('test1.com', 'HTTP', PLUS1, port), entry('test2.com', 'MYSQL', NOW, port));
    const l = translate(objs, node).listeners.find((x) => x.name === `0.0.0.0_${port}`)!;
    expect(l.filterChains).toHaveLength(1);
    expect(simulationSteps(simulate(objs, node, { address: '1.3.3.7', port, protocol: 'http', host: 'test1.com' }))).toEqual({ listener: `0.0.0.0_${port}`, cluster: cluster('test2.com', port) });
  });

  it('HTTP oldest: the MySQL service is dropped, TCP falls through to PassthroughCluster', () => {
    const objs = objects(entry('test1.com', 'HTTP', NOW, 3306), entry('test2.com', 'MYSQL', PLUS1, 3306));
    expect(simulate(objs, node, { address: '1.3.3.7', port: 3306, protocol: 'tcp' })).toMatchObject({ listener: '0.0.0.0_3306', filterChain: 'PassthroughFilterChain', cluster: 'PassthroughCluster' });
  });
});

describe('an HTTP Kubernetes Service and a TCP ServiceEntry without addresses on one port (TCPOverAuto)', () => {
  const objs = objects(`apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {clusterIP: 10.96.0.5, ports: [{name: http, port: 5000}]}`, entry('db.example.com', 'TCP', NOW, 5000));
  it.each([
    ['HTTP to the Service', { address: '10.96.0.5', port: 5000, protocol: 'http', host: 'web' }, { listener: '0.0.0.0_5000', routeConfig: '5000', virtualHost: 'web.default.svc.cluster.local:5000', cluster: 'outbound|5000||web.default.svc.cluster.local' }],
    ['TCP to anywhere on the port', { address: '1.3.3.7', port: 5000, protocol: 'tcp' }, { listener: '0.0.0.0_5000', cluster: cluster('db.example.com', 5000) }],
  ] as [string, SimulationRequest, SimulationSteps][])('%s', (_name, request, want) => {
    expect(simulationSteps(simulate(objs, node, request))).toEqual(want);
  });
});

describe('a TCP and a sniffed ServiceEntry on one VIP and port (AutoOverTCP on the VIP listener)', () => {
  const onVip = (host: string, protocol: string, created: string): string => entry(host, protocol, created, 7000).replace('resolution: STATIC', 'resolution: STATIC\n  addresses: [240.0.0.50]');
  const objs = objects(onVip('tcp.example.com', 'TCP', NOW), onVip('auto.example.com', '', PLUS1));
  it.each([
    // buildSidecarOutboundHTTPListenerOpts: a sniffed port on a VIP fetches <fqdn>:<port> of the sniffed service.
    ['HTTP', { address: '240.0.0.50', port: 7000, protocol: 'http', host: 'auto.example.com' }, { listener: '240.0.0.50_7000', routeConfig: 'auto.example.com:7000', virtualHost: 'auto.example.com:7000', cluster: cluster('auto.example.com', 7000) }],
    // mergeTCPFilterChains: the sniffed service's TCP chain conflicts with the older TCP one and is dropped.
    ['TCP', { address: '240.0.0.50', port: 7000, protocol: 'tcp' }, { listener: '240.0.0.50_7000', cluster: cluster('tcp.example.com', 7000) }],
  ] as [string, SimulationRequest, SimulationSteps][])('%s', (_name, request, want) => {
    expect(simulationSteps(simulate(objs, node, request))).toEqual(want);
  });
});


describe('an HTTP Service and a TLS ServiceEntry without addresses on one port (TCPOverAuto with an SNI chain)', () => {
  const objs = objects(`apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {clusterIP: 10.96.0.5, ports: [{name: http, port: 8443}]}`, entry('secure.example.com', 'TLS', NOW, 8443).replace('resolution: STATIC', 'resolution: DNS').replace(/\n {2}endpoints: .*/, ''));
  it.each([
    // The HTTP chain keeps plaintext HTTP.
    ['HTTP to the Service', { address: '10.96.0.5', port: 8443, protocol: 'http', host: 'web' }, { listener: '0.0.0.0_8443', routeConfig: '8443', virtualHost: 'web.default.svc.cluster.local:8443', cluster: 'outbound|8443||web.default.svc.cluster.local' }],
    // tls.go: on 0.0.0.0 the entry's TLS chain matches SNI = its host.
    ['TLS with SNI secure.example.com', { address: '1.3.3.7', port: 8443, protocol: 'tcp', tls: 'tls', sni: 'secure.example.com' }, { listener: '0.0.0.0_8443', cluster: cluster('secure.example.com', 8443) }],
    // buildListenerFromEntry: no match-all chain, so PassthroughFilterChain takes the rest.
    ['TLS with another SNI', { address: '1.3.3.7', port: 8443, protocol: 'tcp', tls: 'tls', sni: 'other.example.com' }, { listener: '0.0.0.0_8443', cluster: 'PassthroughCluster' }],
  ] as [string, SimulationRequest, SimulationSteps][])('%s', (_name, request, want) => {
    expect(simulationSteps(simulate(objs, node, request))).toEqual(want);
  });
});
