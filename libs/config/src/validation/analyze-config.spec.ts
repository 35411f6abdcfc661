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
  it('warns about missing subsets and gateways and about hosts claimed twice, without withholding', () => {
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
      'Warning [VirtualService default/b] x.yaml:2: spec.gateways[1]: Referenced gateway not found: "istio-system/ingress"',
      'Warning [VirtualService default/b] x.yaml:2: spec.http[0].route[0].destination.subset: Referenced host+subset in destinationrule not found: "reviews.default.svc.cluster.local+v2"',
      'Warning [VirtualService default/b] x.yaml:2: spec.hosts[0]: host "reviews.default.svc.cluster.local" bound to mesh is also defined by the older VirtualService default/a; sidecars use only the oldest, gateways merge their routes in order',
    ]);
    expect(withholdInvalid(snapshot, problems)).toBe(snapshot);
  });

  it('withholds only the newer of two Gateways serving the same TLS host and port', () => {
    const snapshot = snapshotOf(`${gateway('old', '2024-01-01T00:00:00Z')}---\n${gateway('new', '2024-02-01T00:00:00Z')}`);
    const problems = analyzeConfig(snapshot);
    expect(problems.map((p) => [p.severity, p.name])).toEqual([['error', 'new']]);
    expect(problems[0]!.message).toContain('conflicts with the older Gateway default/old');
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
