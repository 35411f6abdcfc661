import { loadYaml, parseMeshConfig, type ConfigObject } from '@minipilot/config';
import type { routeV3 } from '@minipilot/envoy-api';
import { simulate, translate } from '../translate.js';
import type { SimulationResult } from './result.js';

// Family 4 of issue 10: a sidecar's outbound routes. Which virtual host a Host header reaches, and
// which cluster it picks, for VirtualServices on known and unknown hosts, wildcards beside explicit
// hosts, across namespaces and within one. Expectations come from istiod:
// - sidecar_simulation_test.go TestSidecarRoutes (its `virtualservice` variant; the rows that need a
//   Sidecar resource are left out: minipilot does not read Sidecar);
// - httproute.go BuildSidecarOutboundVirtualHosts (port 80 takes every VirtualService, other ports
//   only those naming a service on the port; VirtualService hosts that are no service on the port
//   become virtual hosts of their own; duplicate names and domains: the first wins) and
//   generateVirtualHostDomains / GenerateAltVirtualHosts (a wildcard host keeps its absolute form
//   `*.example.com.`);
// - route.go separateVSHostsAndServices and sidecar.go computeWildcardHostVirtualServiceIndex (a
//   service is routed by its exact-host VirtualService, else the most specific wildcard one; the
//   oldest VirtualService wins between equals).

const KNOWN_SERVICES = `apiVersion: v1
kind: Service
metadata: {name: known, namespace: default}
spec: {clusterIP: 2.0.0.0, ports: [{port: 80, name: http}, {port: 8080, name: http-alt}]}
---
apiVersion: v1
kind: Service
metadata: {name: alt-known, namespace: default}
spec: {clusterIP: 2.0.0.1, ports: [{port: 80, name: http}, {port: 8080, name: http-alt}]}
---
apiVersion: v1
kind: Service
metadata: {name: not-default, namespace: not-default}
spec: {clusterIP: 2.0.0.2, ports: [{port: 80, name: http}, {port: 8080, name: http-alt}]}`;

const TIME = { older: '2019-01-01T00:00:00Z', base: '2020-01-01T00:00:00Z', newer: '2021-01-01T00:00:00Z' } as const;

/** TestSidecarRoutes' vsArgs: one VirtualService with one HTTP route to `dest`. */
interface VsArgs { ns: string; hosts: string[]; dest: string; port?: number; portMatch?: number; time?: keyof typeof TIME }
let vsCount = 0;
const vs = (a: VsArgs): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs-${++vsCount}, namespace: ${a.ns}, creationTimestamp: "${TIME[a.time ?? 'base']}"}
spec:
  hosts: ${JSON.stringify(a.hosts)}
  http:
  - ${a.portMatch ? `match: [{port: ${a.portMatch}}]\n    ` : ''}route: [{destination: {host: ${a.dest}${a.port ? `, port: {number: ${a.port}}` : ''}}}]`;

const objects = (...docs: string[]): ConfigObject[] => [...loadYaml(docs.join('\n---\n')).objects];
const proxyIn = (ns: string) => ({ id: `sidecar~10.244.0.10~app-0.${ns}~${ns}.svc.cluster.local` });

/** xdstest.ExtractVirtualHosts: every domain of the route configuration → its virtual host's route clusters (sorted). */
function virtualHostsByDomain(routes: readonly routeV3.RouteConfiguration[], name: string): Map<string, string[]> | undefined {
  const rc = routes.find((r) => r.name === name);
  if (!rc) return undefined;
  const out = new Map<string, string[]>();
  for (const vh of rc.virtualHosts) {
    const dests = vh.routes.flatMap((r) => (r.action.case === 'route' && r.action.value.clusterSpecifier.case === 'cluster' ? [r.action.value.clusterSpecifier.value] : [])).sort();
    for (const d of vh.domains) out.set(d, dests);
  }
  return out;
}

interface RouteCase { name: string; vs: VsArgs[]; proxy: string; route: string; expected: Record<string, string[] | null> | null }

const C = (port: number, host: string): string => `outbound|${port}||${host}`;
const KNOWN = 'known.default.svc.cluster.local';
const ALT = 'alt-known.default.svc.cluster.local';

// TestSidecarRoutes, virtualservice variant. `null` = the domain is on no virtual host.
const CASES: RouteCase[] = [
  { name: 'simple port 80', vs: [{ ns: 'default', hosts: [KNOWN], dest: ALT }], proxy: 'default', route: '80', expected: { [KNOWN]: [C(80, ALT)] } },
  { name: 'simple port 8080', vs: [{ ns: 'default', hosts: [KNOWN], dest: ALT }], proxy: 'default', route: '8080', expected: { [KNOWN]: [C(8080, ALT)] } },
  { name: 'unknown port 80', vs: [{ ns: 'default', hosts: ['foo.default.svc.cluster.local'], dest: 'foo.default.svc.cluster.local' }], proxy: 'default', route: '80', expected: { 'foo.default.svc.cluster.local': [C(80, 'foo.default.svc.cluster.local')] } },
  { name: 'unknown port 8080', vs: [{ ns: 'default', hosts: ['foo.default.svc.cluster.local'], dest: 'foo.default.svc.cluster.local' }], proxy: 'default', route: '8080', expected: { 'foo.default.svc.cluster.local': null } },
  { name: 'unknown port 8080 match 8080', vs: [{ ns: 'default', hosts: ['foo.default.svc.cluster.local'], dest: 'foo.default.svc.cluster.local', portMatch: 8080 }], proxy: 'default', route: '8080', expected: { 'foo.default.svc.cluster.local': null } },
  { name: 'unknown port 8080 dest 8080', vs: [{ ns: 'default', hosts: ['foo.default.svc.cluster.local'], dest: 'foo.default.svc.cluster.local', port: 8080 }], proxy: 'default', route: '8080', expected: { 'foo.default.svc.cluster.local': null } },
  { name: 'producer rule port 80', vs: [{ ns: 'default', hosts: [KNOWN], dest: ALT }], proxy: 'not-default', route: '80', expected: { [KNOWN]: [C(80, ALT)] } },
  { name: 'producer rule port 8080', vs: [{ ns: 'default', hosts: [KNOWN], dest: ALT }], proxy: 'not-default', route: '8080', expected: { [KNOWN]: [C(8080, ALT)] } },
  { name: 'consumer rule port 80', vs: [{ ns: 'not-default', hosts: [KNOWN], dest: ALT }], proxy: 'not-default', route: '80', expected: { [KNOWN]: [C(80, ALT)] } },
  { name: 'consumer rule port 8080', vs: [{ ns: 'not-default', hosts: [KNOWN], dest: ALT }], proxy: 'not-default', route: '8080', expected: { [KNOWN]: [C(8080, ALT)] } },
  { name: 'arbitrary rule port 80', vs: [{ ns: 'arbitrary', hosts: [KNOWN], dest: ALT }], proxy: 'not-default', route: '80', expected: { [KNOWN]: [C(80, ALT)] } },
  { name: 'arbitrary rule port 8080', vs: [{ ns: 'arbitrary', hosts: [KNOWN], dest: ALT }], proxy: 'not-default', route: '8080', expected: { [KNOWN]: [C(8080, ALT)] } },
  ...[80, 8080].map((port): RouteCase => ({
    name: `multiple rules ${port}: the oldest wins`,
    vs: [
      { ns: 'arbitrary', hosts: [KNOWN], dest: 'arbitrary.example.com', time: 'older' },
      { ns: 'default', hosts: [KNOWN], dest: 'default.example.com', time: 'base' },
      { ns: 'not-default', hosts: [KNOWN], dest: 'not-default.example.com', time: 'newer' },
    ],
    proxy: 'not-default', route: String(port), expected: { [KNOWN]: [C(port, 'arbitrary.example.com')] },
  })),
  {
    name: 'wildcard random: a wildcard matching no service is a virtual host as written',
    vs: [{ ns: 'default', hosts: ['*.unknown.example.com'], dest: 'arbitrary.example.com' }], proxy: 'default', route: '80',
    expected: { [ALT]: [C(80, ALT)], [KNOWN]: [C(80, KNOWN)], '*.unknown.example.com': [C(80, 'arbitrary.example.com')] },
  },
  {
    name: 'wildcard first then explicit',
    vs: [{ ns: 'default', hosts: ['*.cluster.local'], dest: 'wild.example.com', time: 'older' }, { ns: 'default', hosts: [KNOWN], dest: 'explicit.example.com', time: 'newer' }],
    proxy: 'default', route: '80', expected: { [ALT]: [C(80, 'wild.example.com')], [KNOWN]: [C(80, 'explicit.example.com')], '*.cluster.local': null },
  },
  {
    name: 'explicit first then wildcard',
    vs: [{ ns: 'default', hosts: ['*.cluster.local'], dest: 'wild.example.com', time: 'newer' }, { ns: 'default', hosts: [KNOWN], dest: 'explicit.example.com', time: 'older' }],
    proxy: 'default', route: '80', expected: { [ALT]: [C(80, 'wild.example.com')], [KNOWN]: [C(80, 'explicit.example.com')], '*.cluster.local': null },
  },
  {
    name: 'wildcard and explicit cross namespace',
    vs: [{ ns: 'not-default', hosts: ['*.cluster.local'], dest: 'wild.example.com', time: 'older' }, { ns: 'default', hosts: [KNOWN], dest: 'explicit.example.com', time: 'newer' }],
    proxy: 'default', route: '80', expected: { [ALT]: [C(80, 'wild.example.com')], [KNOWN]: [C(80, 'explicit.example.com')], '*.cluster.local': null },
  },
  {
    // "Even though its less exact, this wildcard wins"; example.tld is a virtual host of its own (httproute.go, port 80).
    name: 'wildcard and explicit unknown',
    vs: [{ ns: 'default', hosts: ['*.tld'], dest: 'wild.example.com', time: 'older' }, { ns: 'default', hosts: ['example.tld'], dest: 'explicit.example.com', time: 'newer' }],
    proxy: 'default', route: '80', expected: { [KNOWN]: [C(80, KNOWN)], '*.tld': [C(80, 'wild.example.com')], '*.example.tld': null, 'example.tld': [C(80, 'explicit.example.com')] },
  },
  {
    name: 'same namespace conflict: the oldest wins',
    vs: [{ ns: 'default', hosts: [KNOWN], dest: 'old.example.com', time: 'older' }, { ns: 'default', hosts: [KNOWN], dest: 'new.example.com', time: 'newer' }],
    proxy: 'default', route: '80', expected: { [KNOWN]: [C(80, 'old.example.com')] },
  },
  {
    name: 'cross namespace conflict: the oldest wins',
    vs: [{ ns: 'not-default', hosts: [KNOWN], dest: 'producer.example.com', time: 'older' }, { ns: 'default', hosts: [KNOWN], dest: 'consumer.example.com', time: 'newer' }],
    proxy: 'default', route: '80', expected: { [KNOWN]: [C(80, 'producer.example.com')] },
  },
  {
    // issue 37087's VirtualService without the Sidecar: both hosts take its route.
    name: 'multi-host',
    vs: [{ ns: 'default', hosts: [KNOWN, ALT], dest: 'example.com' }],
    proxy: 'default', route: '80', expected: { [KNOWN]: [C(80, 'example.com')], [ALT]: [C(80, 'example.com')] },
  },
];

describe('sidecar routes: TestSidecarRoutes (virtualservice variant)', () => {
  it.each(CASES)('$name', ({ vs: args, proxy, route, expected }) => {
    const res = translate(objects(KNOWN_SERVICES, ...args.map(vs)), proxyIn(proxy));
    const hosts = virtualHostsByDomain(res.routes, route);
    if (expected === null) { expect(hosts).toBeUndefined(); return; }
    expect(hosts).toBeDefined();
    for (const [domain, clusters] of Object.entries(expected)) expect([domain, hosts!.get(domain) ?? null]).toEqual([domain, clusters]);
  });

  it('a destination without a port takes the listener port on a sidecar, even when the service has one other port', () => {
    // route.go GetDestinationCluster with BuildSidecarOutboundVirtualHosts' servicesByName: only services of the
    // listener port, each reduced to that port, so "the service's only port" is always the listener port.
    const single = `apiVersion: v1
kind: Service
metadata: {name: single, namespace: default}
spec: {clusterIP: 2.0.0.5, ports: [{port: 9090, name: http}]}`;
    const res = translate(objects(KNOWN_SERVICES, single, vs({ ns: 'default', hosts: [KNOWN], dest: 'single.default.svc.cluster.local' })), proxyIn('default'));
    expect(virtualHostsByDomain(res.routes, '80')!.get(KNOWN)).toEqual([C(80, 'single.default.svc.cluster.local')]);
    expect(virtualHostsByDomain(res.routes, '8080')!.get(KNOWN)).toEqual([C(8080, 'single.default.svc.cluster.local')]);
  });

  it('a VirtualService none of whose routes applies on the port leaves the service its default route', () => {
    // route.go buildSidecarVirtualHostsForVirtualService: no routes, no wrapper; BuildSidecarVirtualHostWrapper then
    // gives the service, never claimed, its default virtual host.
    const res = translate(objects(KNOWN_SERVICES, vs({ ns: 'default', hosts: [KNOWN], dest: ALT, portMatch: 8080 })), proxyIn('default'));
    expect(virtualHostsByDomain(res.routes, '80')!.get(KNOWN)).toEqual([C(80, KNOWN)]);
    expect(virtualHostsByDomain(res.routes, '8080')!.get(KNOWN)).toEqual([C(8080, ALT)]);
  });

  it('a VirtualService for an unknown host on port 8080 still routes on port 80 only, and only when port 80 has a listener', () => {
    // "import only a unknown service route": no service on the port, no route configuration at all.
    const res = translate(objects(vs({ ns: 'default', hosts: ['foo.default.svc.cluster.local'], dest: 'example.com' })), proxyIn('default'));
    expect(res.routes.find((r) => r.name === '80')).toBeUndefined();
  });
});

type Step = Pick<SimulationResult, 'listener' | 'routeConfig' | 'virtualHost' | 'cluster'>;
const steps = (r: SimulationResult): Step => {
  const out: Step = {};
  for (const k of ['listener', 'routeConfig', 'virtualHost', 'cluster'] as const) if (r[k] !== undefined) out[k] = r[k];
  return out;
};

const WILDCARD_ENTRIES = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: wildcard, namespace: external, creationTimestamp: "2020-01-01T00:00:00Z"}
spec: {hosts: ["*.example.com"], resolution: NONE, ports: [{name: http, number: 80, protocol: HTTP}]}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: default, creationTimestamp: "2021-01-01T00:00:00Z"}
spec: {hosts: [api.example.com], resolution: DNS, endpoints: [{address: api.internal}], ports: [{name: http, number: 80, protocol: HTTP}]}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: tld, namespace: default, creationTimestamp: "2021-01-01T00:00:00Z"}
spec: {hosts: ["*.tld"], resolution: NONE, ports: [{name: http, number: 80, protocol: HTTP}]}`;

describe('sidecar routes: wildcard ServiceEntries beside explicit ones (httproute.go, Envoy\'s most specific domain)', () => {
  const objs = objects(WILDCARD_ENTRIES);
  const get = (host: string, mode: 'ALLOW_ANY' | 'REGISTRY_ONLY' = 'ALLOW_ANY', extra: ConfigObject[] = []) =>
    steps(simulate([...extra, ...objs], proxyIn('default'), { host, port: 80 }, { mesh: parseMeshConfig(`outboundTrafficPolicy: {mode: ${mode}}`).mesh }));

  it('a host under the wildcard reaches the wildcard entry; the explicit host its own; the bare domain falls through', () => {
    expect(get('a.example.com')).toEqual({ listener: '0.0.0.0_80', routeConfig: '80', virtualHost: '*.example.com:80', cluster: C(80, '*.example.com') });
    expect(get('x.y.example.com.')).toEqual({ listener: '0.0.0.0_80', routeConfig: '80', virtualHost: '*.example.com:80', cluster: C(80, '*.example.com') });
    expect(get('api.example.com')).toEqual({ listener: '0.0.0.0_80', routeConfig: '80', virtualHost: 'api.example.com:80', cluster: C(80, 'api.example.com') });
    expect(get('example.com')).toEqual({ listener: '0.0.0.0_80', routeConfig: '80', virtualHost: 'allow_any', cluster: 'PassthroughCluster' });
    expect(get('example.com', 'REGISTRY_ONLY')).toEqual({ listener: '0.0.0.0_80', routeConfig: '80', virtualHost: 'block_all' });
    expect(get('a.b.tld')).toEqual({ listener: '0.0.0.0_80', routeConfig: '80', virtualHost: '*.tld:80', cluster: C(80, '*.tld') });
  });

  it('the wildcard virtual host carries the absolute form too (GenerateAltVirtualHosts adds `host.`)', () => {
    const hosts = virtualHostsByDomain(translate(objs, proxyIn('default')).routes, '80')!;
    expect(hosts.get('*.example.com')).toEqual([C(80, '*.example.com')]);
    expect(hosts.get('*.example.com.')).toEqual([C(80, '*.example.com')]);
  });

  it('a VirtualService on the wildcard routes the explicit host too unless one names it (most specific VirtualService per service)', () => {
    const wild = objects(vs({ ns: 'default', hosts: ['*.example.com'], dest: 'egress.example.org', time: 'older' }));
    expect(get('a.example.com', 'ALLOW_ANY', wild)).toMatchObject({ virtualHost: '*.example.com:80', cluster: C(80, 'egress.example.org') });
    expect(get('api.example.com', 'ALLOW_ANY', wild)).toMatchObject({ virtualHost: 'api.example.com:80', cluster: C(80, 'egress.example.org') });
    const both = [...wild, ...objects(vs({ ns: 'external', hosts: ['api.example.com'], dest: 'api.internal.example.org', time: 'newer' }))];
    expect(get('api.example.com', 'ALLOW_ANY', both)).toMatchObject({ virtualHost: 'api.example.com:80', cluster: C(80, 'api.internal.example.org') });
    expect(get('b.example.com', 'ALLOW_ANY', both)).toMatchObject({ virtualHost: '*.example.com:80', cluster: C(80, 'egress.example.org') });
  });

  it('a VirtualService on a narrower wildcard than the entry makes no virtual host: the entry keeps its default route', () => {
    // separateVSHostsAndServices: *.a.example.com overlaps the *.example.com service (host.Name.Matches), so it
    // is no plain host; the service's most specific VirtualService is none (computeWildcardHostVirtualServiceIndex),
    // so the VirtualService claims nothing.
    const narrow = objects(vs({ ns: 'default', hosts: ['*.a.example.com'], dest: 'narrow.example.org' }));
    expect(get('x.a.example.com', 'ALLOW_ANY', narrow)).toMatchObject({ virtualHost: '*.example.com:80', cluster: C(80, '*.example.com') });
    const hosts = virtualHostsByDomain(translate([...narrow, ...objs], proxyIn('default')).routes, '80')!;
    expect(hosts.has('*.a.example.com')).toBe(false);
  });
});

describe('sidecar routes: requests on ports no Service declares', () => {
  const objs = objects(KNOWN_SERVICES);
  it.each(['ALLOW_ANY', 'REGISTRY_ONLY'] as const)('%s: HTTP to port 9999 takes virtualOutbound\'s catch-all (no HTTP chain there), a known port routes by Host', (mode) => {
    const mesh = parseMeshConfig(`outboundTrafficPolicy: {mode: ${mode}}`).mesh;
    const catchAll = mode === 'ALLOW_ANY' ? 'PassthroughCluster' : 'BlackHoleCluster';
    // listener_builder.go buildOutboundCatchAllNetworkFilterChains: virtualOutbound has only TCP chains (no ALLOW_ANY_DYNAMIC_DNS here).
    expect(simulate(objs, proxyIn('default'), { host: KNOWN, port: 9999, address: '2.0.0.0' }, { mesh })).toEqual({ listener: 'virtualOutbound', filterChain: 'virtualOutbound-catchall-tcp', cluster: catchAll });
    // The service's host on a port it does not declare but another service does: that port's catch-all virtual host.
    const other = objects(KNOWN_SERVICES, `apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {clusterIP: 2.0.0.9, ports: [{port: 9999, name: http}]}`);
    expect(steps(simulate(other, proxyIn('default'), { host: KNOWN, port: 9999 }, { mesh }))).toEqual({
      listener: '0.0.0.0_9999', routeConfig: '9999', virtualHost: mode === 'ALLOW_ANY' ? 'allow_any' : 'block_all', ...(mode === 'ALLOW_ANY' ? { cluster: 'PassthroughCluster' } : {}),
    });
  });
});
