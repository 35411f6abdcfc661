import { loadYaml, type ConfigObject } from '@minipilot/config';
import { simulate, translate } from '../translate.js';
import type { SimulationRequest } from './request.js';
import type { SimulationResult } from './result.js';
import { ISTIO_SIMULATION_PORTS } from '../testing/simulation-table.js';

// Family 2 of issue 10: ExternalName Services as istiod >= 1.21 treats them (ENABLE_EXTERNAL_NAME_ALIAS
// on by default, release note "ExternalName support changes"): an alias of the host it names, not a
// service of its own. Every expectation comes from istiod:
// - sidecar_simulation_test.go TestExternalNameServices: calls to the concrete service's VIP with the
//   alias as host, on every protocol of port, reach outbound|PORT||concrete; a VirtualService for the
//   alias applies on the HTTP port to the alias's FQDN only ("Host is just an opaque hostname match"),
//   not to its short names, not to the concrete host, not on the sniffed port, and TCP routes never;
// - conversion.go ConvertService: type ExternalName with externalName is resolution Alias;
//   push_context.go resolveServiceAliases: aliases of aliases resolve to the concrete host;
// - cluster.go buildOutboundClusters and listener.go buildSidecarOutboundListener: an Alias gets no
//   cluster and no listener; httproute.go generateVirtualHostDomains: the concrete service's virtual
//   host also carries the alias's names; tls.go buildSidecarOutboundTLSFilterChainOpts: on a listener
//   without VIP the TLS chain matches the SNI of the host and of each alias name.

const SERVICES = `apiVersion: v1
kind: Service
metadata: {name: alias, namespace: default}
spec:
  type: ExternalName
  externalName: concrete.default.svc.cluster.local
---
apiVersion: v1
kind: Service
metadata: {name: concrete, namespace: default}
spec:
  clusterIP: 1.2.3.4
  ports:${ISTIO_SIMULATION_PORTS}
`;
const objects = (...extra: string[]): ConfigObject[] => [...loadYaml([SERVICES, ...extra].join('\n---\n')).objects];
const node = { id: 'sidecar~10.244.0.10~client-0.default~default.svc.cluster.local' };
const CONCRETE = 'concrete.default.svc.cluster.local';
const ALIAS = 'alias.default.svc.cluster.local';
const cluster = (port: number): string => `outbound|${port}||${CONCRETE}`;

describe('ExternalName alias: calls to the concrete VIP reach the concrete clusters (TestExternalNameServices)', () => {
  const objs = objects();
  const rows: [string, SimulationRequest][] = [
    ['http-80', { address: '1.2.3.4', port: 80, protocol: 'http', host: ALIAS }],
    ['http-81', { address: '1.2.3.4', port: 81, protocol: 'http', host: ALIAS }],
    ['http-tls-81', { address: '1.2.3.4', port: 81, protocol: 'http', tls: 'tls', host: ALIAS }],
    ['tcp-81', { address: '1.2.3.4', port: 81, protocol: 'tcp' }],
    ['tcp-82', { address: '1.2.3.4', port: 82, protocol: 'tcp' }],
    ['tls-83', { address: '1.2.3.4', port: 83, protocol: 'tcp', tls: 'tls', host: 'alias.default' }],
    ['https-84', { address: '1.2.3.4', port: 84, protocol: 'http', tls: 'tls', host: 'alias.default' }],
  ];
  it.each(rows)('%s', (_name, request) => {
    expect(simulate(objs, node, request).cluster).toBe(cluster(request.port!));
  });

  it('HTTP with the alias host on port 80 is served by the concrete virtual host, reached through the alias domains', () => {
    for (const host of [ALIAS, 'alias', 'alias.default', 'alias.default.svc']) {
      expect(simulate(objs, node, { address: '1.2.3.4', port: 80, protocol: 'http', host })).toMatchObject({ listener: '0.0.0.0_80', routeConfig: '80', virtualHost: `${CONCRETE}:80`, route: 'default', cluster: cluster(80) });
    }
  });

  it('the alias gets no cluster and no listener of its own', () => {
    const res = translate(objs, node);
    expect(res.clusters.map((c) => c.name).filter((n) => n.includes(ALIAS))).toEqual([]);
    expect(res.listeners.map((l) => l.name).sort()).toEqual(['0.0.0.0_80', '1.2.3.4_81', '1.2.3.4_82', '1.2.3.4_83', '1.2.3.4_84', 'virtualInbound', 'virtualOutbound']);
  });
});

describe('ExternalName alias: where a VirtualService for the alias host applies (TestExternalNameServices "HTTP Routes" / "TCP Routes")', () => {
  const httpVs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: alias, namespace: default}
spec:
  hosts: [${ALIAS}]
  http:
  - name: route1
    match:
    - uri: {prefix: /one}
    route:
    - destination: {host: ${CONCRETE}}`;
  const objs = objects(httpVs);
  const rows: [string, SimulationRequest, Pick<SimulationResult, 'route' | 'cluster'>][] = [
    // "HTTP virtual service applies to alias fqdn": Host is just an opaque hostname match.
    ['HTTP virtual service applies to alias fqdn', { address: '1.2.3.4', port: 80, protocol: 'http', host: ALIAS, path: '/one' }, { route: 'route1', cluster: cluster(80) }],
    // "Host is opaque, so no expansion".
    ['HTTP virtual service does not apply to alias without exact match', { address: '1.2.3.4', port: 80, protocol: 'http', host: 'alias.default', path: '/one' }, { route: 'default', cluster: cluster(80) }],
    ['HTTP virtual service of alias does not apply to concrete', { address: '1.2.3.4', port: 80, protocol: 'http', host: CONCRETE, path: '/one' }, { route: 'default', cluster: cluster(80) }],
    // "No opaque host match for auto".
    ['Auto virtual service applies to alias fqdn', { address: '1.2.3.4', port: 81, protocol: 'http', host: ALIAS, path: '/one' }, { route: 'default', cluster: cluster(81) }],
    ['Auto virtual service does not apply to alias without exact match', { address: '1.2.3.4', port: 81, protocol: 'http', host: 'alias.default', path: '/one' }, { route: 'default', cluster: cluster(81) }],
    ['Auto virtual service of alias does not apply to concrete', { address: '1.2.3.4', port: 81, protocol: 'http', host: CONCRETE, path: '/one' }, { route: 'default', cluster: cluster(81) }],
  ];
  it.each(rows)('%s', (_name, request, want) => {
    expect(simulate(objs, node, request)).toMatchObject(want);
  });

  it('the alias FQDN gets its own virtual host <alias>:80 on RDS "80", ahead of the concrete host', () => {
    expect(simulate(objs, node, { address: '1.2.3.4', port: 80, protocol: 'http', host: ALIAS, path: '/one' })).toMatchObject({ routeConfig: '80', virtualHost: `${ALIAS}:80`, virtualService: 'default/alias' });
  });

  it('TCP virtual services do not apply', () => {
    const tcpVs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: alias, namespace: default}
spec:
  hosts: [${ALIAS}]
  tcp:
  - route:
    - destination: {host: ${CONCRETE}, port: {number: 80}}`;
    expect(simulate(objects(tcpVs), node, { address: '1.2.3.4', port: 82, protocol: 'tcp' }).cluster).toBe(cluster(82));
  });
});

describe('ExternalName chains (push_context.go resolveServiceAliases)', () => {
  it('an alias of an alias reaches the concrete virtual host; a loop of aliases is dropped', () => {
    const objs = objects(`apiVersion: v1
kind: Service
metadata: {name: alias2, namespace: other}
spec: {type: ExternalName, externalName: ${ALIAS}}
---
apiVersion: v1
kind: Service
metadata: {name: loop-a, namespace: default}
spec: {type: ExternalName, externalName: loop-b.default.svc.cluster.local}
---
apiVersion: v1
kind: Service
metadata: {name: loop-b, namespace: default}
spec: {type: ExternalName, externalName: loop-a.default.svc.cluster.local}`);
    expect(simulate(objs, node, { address: '1.2.3.4', port: 80, protocol: 'http', host: 'alias2.other' })).toMatchObject({ virtualHost: `${CONCRETE}:80`, cluster: cluster(80) });
    expect(simulate(objs, node, { address: '1.2.3.4', port: 80, protocol: 'http', host: 'loop-a.default.svc.cluster.local' })).toMatchObject({ virtualHost: 'allow_any', cluster: 'PassthroughCluster' });
  });

  it('an ExternalName to a host outside the registry is no service: its host falls to allow_any', () => {
    const objs = [...loadYaml(`apiVersion: v1
kind: Service
metadata: {name: ext, namespace: default}
spec: {type: ExternalName, externalName: httpbin.org, ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {clusterIP: 10.96.0.9, ports: [{name: http, port: 80}]}`).objects];
    const res = translate(objs, node);
    expect(res.clusters.map((c) => c.name).filter((n) => n.includes('ext.default') || n.includes('httpbin.org'))).toEqual([]);
    expect(simulate(objs, node, { address: '203.0.113.7', port: 80, protocol: 'http', host: 'ext.default.svc.cluster.local' })).toMatchObject({ listener: '0.0.0.0_80', virtualHost: 'allow_any', cluster: 'PassthroughCluster' });
  });

  it('an alias of a TLS ServiceEntry without addresses: its names are SNI matches of the wildcard TLS chain', () => {
    const objs = [...loadYaml(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: tls-ext, namespace: default}
spec:
  hosts: [tls.example.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{name: tls, number: 443, protocol: TLS}]
---
apiVersion: v1
kind: Service
metadata: {name: ext-tls, namespace: default}
spec: {type: ExternalName, externalName: tls.example.com}`).objects];
    for (const sni of ['tls.example.com', 'ext-tls.default.svc.cluster.local', 'ext-tls', 'ext-tls.default']) {
      expect(simulate(objs, node, { address: '1.3.3.7', port: 443, protocol: 'tcp', tls: 'tls', sni })).toMatchObject({ listener: '0.0.0.0_443', cluster: 'outbound|443||tls.example.com' });
    }
  });
});
