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
  it('warns about missing subsets and gateways (IST0101) and about mesh hosts claimed twice (IST0109, on each), at the line of each object, without withholding', () => {
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
      'Warning [IST0101] [VirtualService default/b] x.yaml:8: spec.http[0].route[0].destination.subset: Referenced host+subset in destinationrule not found: "reviews.default.svc.cluster.local+v2"',
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
});
