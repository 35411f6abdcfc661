import { loadYaml, parseMeshConfig, type ConfigObject, type MeshConfig } from '@minipilot/config';
import { simulate } from '../translate.js';
import type { SimulationRequest } from './request.js';
import type { SimulationResult } from './result.js';

// Family 3 of issue 10: ServiceEntries without addresses, for every protocol of port, under both
// outbound traffic policies. Expectations come from istiod:
// - sidecar_simulation_test.go TestPassthroughTraffic ("with VIP" / "without VIP" tables: which
//   calls end on PassthroughCluster, BlackHoleCluster or the block_all virtual host);
// - listener.go buildSidecarOutboundListener / buildListenerFromEntry (an address-less service port
//   binds 0.0.0.0_PORT; a match-all chain becomes the listener's default chain, otherwise the
//   default is `PassthroughFilterChain` to the catch-all cluster of the policy);
// - tls.go buildSidecarOutboundTLSFilterChainOpts (TLS/HTTPS without a VIP: one chain matching
//   SNI = the host) and buildSidecarOutboundTCPFilterChainOpts (TCP: one match-all chain);
// - listener.go buildSidecarOutboundHTTPListenerOpts (a sniffed port on the wildcard address uses
//   the port's shared RDS `"PORT"`, not `<host>:PORT`) and httproute.go
//   buildSidecarOutboundHTTPRouteConfig (the port's route configuration ends with allow_any or
//   block_all; route.go BuildSidecarVirtualHostWrapper gives sniffed ports a virtual host too).

const PORTS = `
  ports:
  - {name: http, number: 80, protocol: HTTP}
  - {name: auto, number: 81}
  - {name: tcp, number: 82, protocol: TCP}
  - {name: tls, number: 83, protocol: TLS}
  - {name: https, number: 84, protocol: HTTPS}
  - {name: grpc, number: 85, protocol: GRPC}
  - {name: h2, number: 86, protocol: HTTP2}`;

/** TestPassthroughTraffic's ServiceEntry, with or without its VIP. */
const serviceEntry = (addresses: string, resolution = 'DNS'): ConfigObject[] => [...loadYaml(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se, namespace: default}
spec:
  hosts: [istio.io]
  ${addresses}
  location: MESH_EXTERNAL
  resolution: ${resolution}${PORTS}`).objects];

const node = { id: 'sidecar~10.244.0.10~app-0.default~default.svc.cluster.local' };
const MODES = ['REGISTRY_ONLY', 'ALLOW_ANY'] as const;
type Mode = (typeof MODES)[number];
const meshOf = (mode: Mode): MeshConfig => parseMeshConfig(`outboundTrafficPolicy: {mode: ${mode}}`).mesh;
const catchAll = (mode: Mode): string => (mode === 'REGISTRY_ONLY' ? 'BlackHoleCluster' : 'PassthroughCluster');
const catchAllHost = (mode: Mode): string => (mode === 'REGISTRY_ONLY' ? 'block_all' : 'allow_any');

/** TestPassthroughTraffic's five calls per port (host `foo`, destination 1.3.3.7; TLS calls send SNI foo and the ALPN of Istio's simulation). */
const CALLS: Record<string, (port: number) => SimulationRequest> = {
  'http-plaintext': (port) => ({ port, protocol: 'http', host: 'foo' }),
  'http-tls': (port) => ({ port, protocol: 'http', tls: 'tls', host: 'foo', alpn: 'http/1.1' }),
  'http-tls-alpn-http/1.1': (port) => ({ port, protocol: 'http', tls: 'tls', host: 'foo', alpn: 'http/1.1' }),
  'tcp-plaintext': (port) => ({ port, protocol: 'tcp', host: 'foo' }),
  'http2-tls': (port) => ({ port, protocol: 'http2', tls: 'tls', host: 'foo', alpn: 'h2' }),
};
/** simulation.Call.IsHTTP: plaintext HTTP/1.1 or HTTP/2. */
const isHttpCall = (name: string): boolean => name === 'http-plaintext';
const HTTP_PORTS = [80, 85, 86];
const AUTO_PORT = 81;

type Step = Pick<SimulationResult, 'listener' | 'filterChain' | 'routeConfig' | 'virtualHost' | 'cluster' | 'error'>;
const steps = (r: SimulationResult): Step => {
  const out: Step = {};
  for (const k of ['listener', 'filterChain', 'routeConfig', 'virtualHost', 'cluster', 'error'] as const) if (r[k] !== undefined) (out as Record<string, unknown>)[k] = r[k];
  return out;
};

/**
 * istiod's answer for a TestPassthroughTraffic call to an unknown destination (1.3.3.7), without the
 * ServiceEntry's VIP: every port has a 0.0.0.0_PORT listener.
 */
function withoutVip(mode: Mode, name: string, port: number): Step {
  const listener = `0.0.0.0_${port}`;
  const httpListener = HTTP_PORTS.includes(port) || port === AUTO_PORT;
  // Plaintext HTTP on an HCM port goes through RDS "PORT" to the catch-all virtual host.
  if (isHttpCall(name) && httpListener) {
    const host = catchAllHost(mode);
    return { listener, routeConfig: String(port), virtualHost: host, ...(host === 'allow_any' ? { cluster: 'PassthroughCluster' } : {}) };
  }
  // "TCP without a VIP will capture everything": the TCP port's only chain is match-all.
  if (port === 82) return { listener, cluster: 'outbound|82||istio.io' };
  // "Auto without a VIP is similar": non-HTTP traffic takes the sniffed listener's TCP default chain.
  if (port === AUTO_PORT) return { listener, cluster: 'outbound|81||istio.io' };
  // HTTP/GRPC/HTTP2 ports (TLS or TCP traffic) and TLS/HTTPS ports (SNI foo is not istio.io): the fallthrough.
  return { listener, filterChain: 'PassthroughFilterChain', cluster: catchAll(mode) };
}

/** The same calls with the VIP 1.2.3.4: only the HTTP ports' 0.0.0.0 listeners exist, the rest is virtualOutbound. */
function withVip(mode: Mode, name: string, port: number): Step {
  if (HTTP_PORTS.includes(port)) {
    const listener = `0.0.0.0_${port}`;
    if (isHttpCall(name)) {
      const host = catchAllHost(mode);
      return { listener, routeConfig: String(port), virtualHost: host, ...(host === 'allow_any' ? { cluster: 'PassthroughCluster' } : {}) };
    }
    return { listener, filterChain: 'PassthroughFilterChain', cluster: catchAll(mode) };
  }
  return { listener: 'virtualOutbound', filterChain: 'virtualOutbound-catchall-tcp', cluster: catchAll(mode) };
}

const rows = (expect: (mode: Mode, name: string, port: number) => Step) => MODES.flatMap((mode) =>
  [80, 81, 82, 83, 84, 85, 86].flatMap((port) => Object.keys(CALLS).map((name) => [mode, port, name, expect(mode, name, port)] as const)));

describe('ServiceEntry without addresses: unknown destinations fall through as istiod\'s listeners make them (TestPassthroughTraffic "without VIP")', () => {
  const objs = serviceEntry('');
  it.each(rows(withoutVip))('%s port %i %s', (mode, port, name, want) => {
    expect(steps(simulate(objs, node, CALLS[name]!(port), { mesh: meshOf(mode) }))).toEqual(want);
  });
});

describe('ServiceEntry with a VIP: unknown destinations (TestPassthroughTraffic "with VIP")', () => {
  const objs = serviceEntry('addresses: [1.2.3.4]');
  it.each(rows(withVip))('%s port %i %s', (mode, port, name, want) => {
    expect(steps(simulate(objs, node, CALLS[name]!(port), { mesh: meshOf(mode) }))).toEqual(want);
  });
});

describe('ServiceEntry without addresses: the known host still reaches its cluster', () => {
  const objs = serviceEntry('');
  it.each(MODES)('%s: HTTP, sniffed, TCP, TLS, HTTPS, GRPC and HTTP2 ports', (mode) => {
    const mesh = meshOf(mode);
    const run = (r: SimulationRequest): Step => steps(simulate(objs, node, r, { mesh }));
    // httproute.go: the host's virtual host on the port's shared route configuration.
    for (const port of [80, 85, 86]) {
      expect(run({ port, host: 'istio.io', protocol: port === 80 ? 'http' : 'http2' })).toEqual({ listener: `0.0.0.0_${port}`, routeConfig: String(port), virtualHost: `istio.io:${port}`, cluster: `outbound|${port}||istio.io` });
    }
    // listener.go: a sniffed port without a VIP routes HTTP by Host through RDS "81".
    expect(run({ port: 81, host: 'istio.io', protocol: 'http' })).toEqual({ listener: '0.0.0.0_81', routeConfig: '81', virtualHost: 'istio.io:81', cluster: 'outbound|81||istio.io' });
    // tls.go: SNI = the host picks the service's chain; the TLS listener has no match-all chain.
    for (const port of [83, 84]) {
      expect(run({ port, tls: 'tls', host: 'istio.io' })).toEqual({ listener: `0.0.0.0_${port}`, cluster: `outbound|${port}||istio.io` });
    }
    expect(run({ port: 82, protocol: 'tcp', address: '203.0.113.7' })).toEqual({ listener: '0.0.0.0_82', cluster: 'outbound|82||istio.io' });
  });
});

describe('several address-less TLS ServiceEntries on one port: one SNI chain each, the rest falls through (tls.go, listener.go mergeTCPFilterChains)', () => {
  const objs = [...loadYaml(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: a, namespace: default, creationTimestamp: "2020-01-01T00:00:00Z"}
spec: {hosts: [a.example.com], resolution: DNS, ports: [{name: tls, number: 443, protocol: TLS}]}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: b, namespace: default, creationTimestamp: "2021-01-01T00:00:00Z"}
spec: {hosts: [b.example.com], resolution: NONE, ports: [{name: https, number: 443, protocol: HTTPS}]}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: wild, namespace: default, creationTimestamp: "2022-01-01T00:00:00Z"}
spec: {hosts: ["*.wild.example.com"], resolution: NONE, ports: [{name: tls, number: 443, protocol: TLS}]}`).objects];
  it.each(MODES)('%s', (mode) => {
    const run = (sni: string): Step => steps(simulate(objs, node, { port: 443, tls: 'tls', host: sni }, { mesh: meshOf(mode) }));
    expect(run('a.example.com')).toEqual({ listener: '0.0.0.0_443', cluster: 'outbound|443||a.example.com' });
    expect(run('b.example.com')).toEqual({ listener: '0.0.0.0_443', cluster: 'outbound|443||b.example.com' });
    expect(run('x.wild.example.com')).toEqual({ listener: '0.0.0.0_443', cluster: 'outbound|443||*.wild.example.com' });
    expect(run('c.example.com')).toEqual({ listener: '0.0.0.0_443', filterChain: 'PassthroughFilterChain', cluster: catchAll(mode) });
    // Plaintext to a TLS port: no SNI, no match, the fallthrough.
    expect(steps(simulate(objs, node, { port: 443, protocol: 'tcp' }, { mesh: meshOf(mode) }))).toEqual({ listener: '0.0.0.0_443', filterChain: 'PassthroughFilterChain', cluster: catchAll(mode) });
  });
});

describe('resolution NONE without endpoints behaves as DNS: the wildcard listener (listener.go "fallback to a wildcard listener")', () => {
  const objs = serviceEntry('', 'NONE');
  it.each(MODES)('%s', (mode) => {
    const mesh = meshOf(mode);
    expect(steps(simulate(objs, node, { port: 83, tls: 'tls', host: 'foo' }, { mesh }))).toEqual({ listener: '0.0.0.0_83', filterChain: 'PassthroughFilterChain', cluster: catchAll(mode) });
    expect(steps(simulate(objs, node, { port: 81, protocol: 'tcp' }, { mesh }))).toEqual({ listener: '0.0.0.0_81', cluster: 'outbound|81||istio.io' });
    expect(steps(simulate(objs, node, { port: 81, host: 'foo' }, { mesh })).virtualHost).toBe(catchAllHost(mode));
  });
});

describe('resolution NONE selecting workloads: one listener per endpoint IP, other IPs fall through (listener.go buildSidecarOutboundListeners)', () => {
  // Istio's validation refuses `endpoints` with resolution NONE ("no endpoints should be provided for
  // resolution type none"); its endpoints come from the workloads a workloadSelector picks.
  const pod = (i: number): string => `apiVersion: v1
kind: Pod
metadata: {name: db-${i}, namespace: default, labels: {app: db}}
status: {podIP: 10.1.0.${i + 1}}
---
`;
  const objs = [...loadYaml(`${pod(0)}${pod(1)}apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: db, namespace: default}
spec:
  hosts: [db.example.com]
  resolution: NONE
  workloadSelector: {labels: {app: db}}
  ports:
  - {name: tcp, number: 5432, protocol: TCP}
  - {name: auto, number: 8081}
  - {name: tls, number: 8443, protocol: TLS}
  - {name: http, number: 8080, protocol: HTTP}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: selected, namespace: default}
spec:
  hosts: [selected.example.com]
  resolution: NONE
  workloadSelector: {labels: {app: nothing-matches}}
  ports: [{name: tcp, number: 6379, protocol: TCP}]`).objects];
  it.each(MODES)('%s', (mode) => {
    const run = (r: SimulationRequest): Step => steps(simulate(objs, node, r, { mesh: meshOf(mode) }));
    expect(run({ address: '10.1.0.1', port: 5432, protocol: 'tcp' })).toEqual({ listener: '10.1.0.1_5432', cluster: 'outbound|5432||db.example.com' });
    expect(run({ address: '10.9.9.9', port: 5432, protocol: 'tcp' })).toEqual({ listener: 'virtualOutbound', filterChain: 'virtualOutbound-catchall-tcp', cluster: catchAll(mode) });
    // A sniffed port bound to an endpoint IP has its own route configuration <host>:<port> (buildSidecarOutboundHTTPListenerOpts).
    expect(run({ address: '10.1.0.2', port: 8081, host: 'anything' })).toEqual({ listener: '10.1.0.2_8081', routeConfig: 'db.example.com:8081', virtualHost: 'db.example.com:8081', cluster: 'outbound|8081||db.example.com' });
    expect(run({ address: '10.1.0.2', port: 8081, protocol: 'tcp' })).toEqual({ listener: '10.1.0.2_8081', cluster: 'outbound|8081||db.example.com' });
    expect(run({ address: '10.9.9.9', port: 8081, protocol: 'tcp' })).toEqual({ listener: 'virtualOutbound', filterChain: 'virtualOutbound-catchall-tcp', cluster: catchAll(mode) });
    // tls.go: a listener bound to an IP other than 0.0.0.0 needs no SNI match.
    expect(run({ address: '10.1.0.1', port: 8443, tls: 'tls', host: 'other.example.com' })).toEqual({ listener: '10.1.0.1_8443', cluster: 'outbound|8443||db.example.com' });
    // HTTP ports always bind 0.0.0.0.
    expect(run({ address: '10.9.9.9', port: 8080, host: 'db.example.com' })).toEqual({ listener: '0.0.0.0_8080', routeConfig: '8080', virtualHost: 'db.example.com:8080', cluster: 'outbound|8080||db.example.com' });
    // A workloadSelector without endpoints yet: no listener at all ("a labelSelector ... we skip these as well").
    expect(run({ address: '10.9.9.9', port: 6379, protocol: 'tcp' })).toEqual({ listener: 'virtualOutbound', filterChain: 'virtualOutbound-catchall-tcp', cluster: catchAll(mode) });
  });
});

/** An address-less DNS ServiceEntry `name` for `host` with `ports`, and a VirtualService for the host with `routes` (YAML under spec). */
const entryWithRoutes = (name: string, host: string, ports: string, routes: string): ConfigObject[] => [...loadYaml(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}, namespace: default}
spec: {hosts: [${host}], resolution: DNS, ports: ${ports}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: default}
spec:
  hosts: [${host}]
${routes}`).objects];

describe('an address-less TLS ServiceEntry with a VirtualService tls route: the route\'s SNI chain, the rest falls through (tls.go buildSidecarOutboundTLSFilterChainOpts)', () => {
  const objs = entryWithRoutes('api', 'api.example.com', '[{name: tls, number: 443, protocol: TLS}]', `  tls:
  - match: [{port: 443, sniHosts: [api.example.com]}]
    route: [{destination: {host: egress.example.com, port: {number: 8443}}}]`);
  it.each(MODES)('%s', (mode) => {
    const run = (r: SimulationRequest): SimulationResult => simulate(objs, node, r, { mesh: meshOf(mode) });
    // The VirtualService's match replaces the service's own chain (hasTLSMatch): no chain for the bare host any more.
    expect(run({ port: 443, tls: 'tls', host: 'api.example.com' })).toEqual({ listener: '0.0.0.0_443', virtualService: 'default/api', cluster: 'outbound|8443||egress.example.com' });
    expect(steps(run({ port: 443, tls: 'tls', host: 'www.example.com' }))).toEqual({ listener: '0.0.0.0_443', filterChain: 'PassthroughFilterChain', cluster: catchAll(mode) });
  });
});

describe('a sniffed port without a VIP takes the VirtualService tcp route for non-HTTP traffic (listener.go ListenerProtocolAuto: tcpOpts + httpOpts)', () => {
  const objs = entryWithRoutes('cache', 'cache.example.com', '[{name: auto, number: 7000}]', `  tcp:
  - route: [{destination: {host: cache-primary.example.com, port: {number: 7000}}}]`);
  it.each(MODES)('%s', (mode) => {
    const run = (r: SimulationRequest): SimulationResult => simulate(objs, node, r, { mesh: meshOf(mode) });
    expect(run({ address: '203.0.113.5', port: 7000, protocol: 'tcp' })).toEqual({ listener: '0.0.0.0_7000', virtualService: 'default/cache', cluster: 'outbound|7000||cache-primary.example.com' });
    // HTTP is told apart by the HTTP inspector and routed by Host on RDS "7000"; the entry has no http routes, so its default route.
    expect(steps(run({ port: 7000, host: 'cache.example.com' }))).toEqual({ listener: '0.0.0.0_7000', routeConfig: '7000', virtualHost: 'cache.example.com:7000', cluster: 'outbound|7000||cache.example.com' });
  });
});

describe('ServiceEntries with CIDR addresses: 0.0.0.0 with prefix-matching chains, the rest falls through (serviceentry_simulation_test.go TestServiceEntry)', () => {
  const twoEntries = (a: string, b: string, protocol: string): ConfigObject[] => [...loadYaml(['blah1', 'blah2'].map((h, i) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se${i + 1}, namespace: default}
spec: {hosts: [${h}.somedomain], addresses: ["${i === 0 ? a : b}"], ports: [{number: 9999, name: port-9999, protocol: ${protocol}}]}`).join('\n---\n')).objects];
  it.each(MODES)('%s', (mode) => {
    const run = (objs: ConfigObject[], r: SimulationRequest): Step => steps(simulate(objs, node, r, { mesh: meshOf(mode) }));
    // "identical CIDR (ignoring insignificant bits) is dropped": the second entry's chain conflicts, the first keeps the prefix.
    const identical = twoEntries('1234:1f1:123:123:f816:3eff:feb8:2287/32', '1234:1f1:123:123:f816:3eff:febf:57ce/32', 'TCP');
    expect(run(identical, { port: 9999, address: '1234:1f1:1:1:1:1:1:1', protocol: 'tcp' })).toEqual({ listener: '0.0.0.0_9999', cluster: 'outbound|9999||blah1.somedomain' });
    // "overlapping CIDR": the longest prefix wins.
    const overlapping = twoEntries('1234:1f1:123:123:f816:3eff:feb8:2287/16', '1234:1f1:123:123:f816:3eff:febf:57ce/32', 'TCP');
    expect(run(overlapping, { port: 9999, address: '1234:1f1:123:123:f816:3eff:febf:57ce', protocol: 'tcp' })).toEqual({ listener: '0.0.0.0_9999', cluster: 'outbound|9999||blah2.somedomain' });
    expect(run(overlapping, { port: 9999, address: '1234::1', protocol: 'tcp' })).toEqual({ listener: '0.0.0.0_9999', cluster: 'outbound|9999||blah1.somedomain' });
    // listener.go buildListenerFromEntry: no chain is match-all, so an address outside every prefix falls through.
    expect(run(overlapping, { port: 9999, address: '10.0.0.1', protocol: 'tcp' })).toEqual({ listener: '0.0.0.0_9999', filterChain: 'PassthroughFilterChain', cluster: catchAll(mode) });
    // "partial overlap of IP", one address per entry here: plain addresses bind listeners of their own.
    const partial = twoEntries('1.1.1.1', '2.2.2.2', 'TCP');
    expect(run(partial, { port: 9999, address: '2.2.2.2', protocol: 'tcp' })).toEqual({ listener: '2.2.2.2_9999', cluster: 'outbound|9999||blah2.somedomain' });
    expect(run(partial, { port: 9999, address: '1.1.1.1', protocol: 'tcp' })).toEqual({ listener: '1.1.1.1_9999', cluster: 'outbound|9999||blah1.somedomain' });
  });
});
