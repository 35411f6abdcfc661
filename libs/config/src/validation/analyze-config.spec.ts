import { createConfigSnapshot } from '../config-snapshot.js';
import { loadYaml } from '../load-yaml.js';
import { formatProblem } from '../problem.js';
import { analyzeConfig } from './analyze-config.js';
import { withholdInvalid } from './withhold.js';

const snapshotOf = (text: string) => {
  const r = loadYaml(text, 'x.yaml');
  expect(r.problems).toEqual([]);
  return createConfigSnapshot(r.objects);
};

const gateway = (name: string, created: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, creationTimestamp: "${created}"}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [shop.example.com]
    tls: {mode: SIMPLE, credentialName: shop}
`;

describe('analyzeConfig', () => {
  it('warns about missing subsets and gateways (IST0101, named as written), gateways without the hosts (IST0132) and about mesh hosts claimed twice (IST0109, on each), at the line of each object, without withholding', () => {
    const snapshot = snapshotOf(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: a, creationTimestamp: "2024-01-01T00:00:00Z"}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, subset: v1}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: b, creationTimestamp: "2024-01-02T00:00:00Z"}
spec:
  hosts: [reviews.default.svc.cluster.local]
  gateways: [mesh, istio-system/ingress]
  http: [{route: [{destination: {host: reviews, subset: v2}}]}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec: {host: reviews, subsets: [{name: v1, labels: {version: v1}}]}
`);
    const problems = analyzeConfig(snapshot);
    expect(problems.map(formatProblem)).toEqual([
      'Warning [IST0101] [VirtualService default/b] x.yaml:8: spec.gateways[1]: Referenced gateway not found: "istio-system/ingress"',
      'Warning [IST0132] [VirtualService default/b] x.yaml:8: spec.gateways[1]: one or more host [reviews.default.svc.cluster.local] defined in VirtualService default/b not found in Gateway istio-system/ingress.',
      'Warning [IST0101] [VirtualService default/b] x.yaml:8: spec.http[0].route[0].destination.subset: Referenced host+subset in destinationrule not found: "reviews+v2"',
      ...['a:1', 'b:8'].map((at) => {
        const [name, line] = at.split(':');
        return `Warning [IST0109] [VirtualService default/${name}] x.yaml:${line}: spec.hosts[0]: The VirtualServices default/a,default/b associated with mesh gateway define the same host */reviews.default.svc.cluster.local which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.`;
      }),
    ]);
    expect(withholdInvalid(snapshot, problems)).toBe(snapshot);
  });

  it('withholds only the newer of two Gateways serving the same TLS host and port', () => {
    const snapshot = snapshotOf(`${gateway('old', '2024-01-01T00:00:00Z')}---\n${gateway('new', '2024-02-01T00:00:00Z')}`);
    const problems = analyzeConfig(snapshot);
    expect(problems.map((p) => [p.severity, p.name])).toEqual([['error', 'new']]);
    expect(problems[0]!.message).toBe('Conflict with gateways default/old (workload selector istio=ingressgateway, port 443, hosts [shop.example.com]).');
    expect(problems[0]!.code).toBe('IST0145');
    expect([...withholdInvalid(snapshot, problems).objects.keys()]).toEqual(['Gateway/default/old']);
  });

  it('withholds a VirtualService whose hosts name one service twice, and nothing else', () => {
    const snapshot = snapshotOf(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: twice}
spec:
  hosts: [ratings, ratings.default.svc.cluster.local]
  http: [{route: [{destination: {host: ratings}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: other}
spec:
  hosts: [details]
  http: [{route: [{destination: {host: details}}]}]
`);
    const served = withholdInvalid(snapshot, analyzeConfig(snapshot));
    expect([...served.objects.keys()]).toEqual(['VirtualService/default/other']);
  });

  it("reports IST0109 as analyze does (conflictingmeshgatewayhosts.go): per namespace scope, a scoped host against the overlapping hosts exported to all, each VirtualService once", () => {
    const vs = (ns: string, name: string, hosts: string[], extra = '') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${ns}}
spec:
  hosts: [${hosts.map((h) => `'${h}'`).join(', ')}]
${extra}  http: [{route: [{destination: {host: x}}]}]
---
`;
    const snapshot = snapshotOf([
      vs('foo', 'a', ['ratings']),
      vs('bar', 'b', ['ratings.foo.svc.cluster.local'], '  gateways: [ingress, mesh]\n'),
      vs('bar', 'gw-only', ['ratings.foo.svc.cluster.local'], '  gateways: [ingress]\n'),
      vs('t1', 'local-1', ['*.c.example'], '  exportTo: [t1]\n'),
      vs('t2', 'local-2', ['*.c.example'], "  exportTo: ['.']\n"),
      vs('t3', 'scoped', ['*.d.example'], "  exportTo: ['.']\n"),
      vs('t4', 'all', ['*.example'], "  exportTo: ['*']\n"),
    ].join(''));
    const found = analyzeConfig(snapshot).filter((p) => p.code === 'IST0109').map((p) => `${p.namespace}/${p.name} ${p.message.split(' ')[2]} ${p.message.split(' define the same host ')[1]!.split(' ')[0]}`);
    expect(found.sort()).toEqual([
      'bar/b bar/b,foo/a */ratings.foo.svc.cluster.local',
      'foo/a bar/b,foo/a */ratings.foo.svc.cluster.local',
      't3/scoped t3/scoped,t4/all t3/*.d.example',
      't4/all t1/local-1,t4/all t1/*.c.example',
      't1/local-1 t1/local-1,t4/all t1/*.c.example',
      't2/local-2 t2/local-2,t4/all t2/*.c.example',
    ].sort());
  });

  it('asks TCP ServiceEntries without addresses for them (IST0134, protocoladdresses.go), unless proxies auto-allocate', () => {
    const snapshot = snapshotOf(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: db}
spec:
  hosts: [db.example.com]
  ports: [{number: 5432, name: pg, protocol: TCP}, {number: 80, name: http, protocol: HTTP}, {number: 9000, name: raw}]
  resolution: DNS
`);
    expect(analyzeConfig(snapshot).map(formatProblem)).toEqual([0, 2].map((i) => `Warning [IST0134] [ServiceEntry default/db] x.yaml:1: spec.ports[${i}]: ServiceEntry addresses are required for this protocol.`));
    expect(analyzeConfig(snapshot, { dnsAutoAllocate: true })).toEqual([]);
  });
});
