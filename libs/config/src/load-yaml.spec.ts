import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadYaml, formatProblem, createConfigSnapshot, type VirtualServiceConfig, type DestinationRuleConfig } from './index.js';

const samples = path.resolve(__dirname, '../../../../shared/samples');
const sample = (name: string): string => fs.readFileSync(path.join(samples, name), 'utf8');

describe('loadYaml', () => {
  it('reads Istio sample configs into typed objects with no problems', () => {
    const r = loadYaml(sample('samples_bookinfo_networking__destination-rule-all.yaml'), 'dr.yaml');
    expect(r.problems).toEqual([]);
    const drs = r.objects as DestinationRuleConfig[];
    expect(drs.map((d) => d.metadata.name)).toEqual(['productpage', 'reviews', 'ratings', 'details']);
    expect(drs[1]!.spec.subsets!.map((s) => s.name)).toEqual(['v1', 'v2', 'v3']);
    expect(drs[1]!.metadata.namespace).toBe('default');
  });

  it('skips kinds minipilot does not read and keeps Services', () => {
    const r = loadYaml(sample('samples_bookinfo_platform_kube__bookinfo.yaml'));
    expect(r.problems).toEqual([]);
    expect(r.objects.map((o) => o.kind)).toEqual(['Service', 'Service', 'Service', 'Service']);
    const ignoredKinds = new Set(r.results.filter((x) => x.ignored).map((x) => x.ignored!.kind));
    expect([...ignoredKinds].sort()).toEqual(['Deployment', 'ServiceAccount']);
  });

  it('accepts snake_case field names and leaves map keys alone', () => {
    const r = loadYaml(`apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: r, namespace: ns1}
spec:
  hosts: [reviews]
  http:
  - match:
    - headers:
        end_user: {exact: jason}
      ignore_uri_case: true
    route:
    - destination: {host: reviews, subset: v2}
`);
    expect(r.problems).toEqual([]);
    const vs = r.objects[0] as VirtualServiceConfig;
    expect(vs.spec.http![0]!.match![0]!.ignoreUriCase).toBe(true);
    expect(Object.keys(vs.spec.http![0]!.match![0]!.headers!)).toEqual(['end_user']);
  });

  it('places each object at its own line: after comments and ---, and each item of a kind: List', () => {
    const r = loadYaml(`# leading comment
---
# about a
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: a}
spec: {host: a}
---
apiVersion: v1
kind: List
items:
- apiVersion: networking.istio.io/v1
  kind: DestinationRule
  metadata: {name: b}
  spec: {host: b}
- apiVersion: networking.istio.io/v1
  kind: DestinationRule
  metadata: {}
  spec: {host: c}
`, 'f.yaml');
    expect(r.objects.map((o) => [o.metadata.name, o.origin?.line])).toEqual([['a', 4], ['b', 12]]);
    expect(r.problems.map(formatProblem)).toEqual(['Error [DestinationRule default/?] f.yaml:16: metadata.name: name is required: every object needs metadata.name']);
  });

  it('reports wrong types as errors naming kind, name, file, document and field, and keeps other documents', () => {
    const r = loadYaml(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: good}
spec: {host: a}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bad, namespace: x}
spec:
  hosts: [a]
  http:
  - timeout: 5
    route: [{destination: {host: a}}]
  - retries: {attempts: 3, perTryTimeout: soon}
    route: [{destination: {host: a}}]
`, 'lab.yaml');
    expect(r.objects.map((o) => o.metadata.name)).toEqual(['good']);
    const lines = r.problems.map(formatProblem);
    expect(lines).toEqual([
      'Error [VirtualService x/bad] lab.yaml:6: spec.http[0].timeout: expected string, received number',
      expect.stringMatching(/^Error \[VirtualService x\/bad\] lab.yaml:6: spec.http\[1\].retries.perTryTimeout: invalid duration/),
    ]);
    expect(r.results[1]!.key).toBe('VirtualService/x/bad');
  });

  it('warns about unknown fields but keeps the object', () => {
    const r = loadYaml('apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: d}\nspec:\n  host: a\n  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN, fancy: 1}}\nextra: 1\n');
    expect(r.objects).toHaveLength(1);
    expect(r.problems.map((p) => [p.severity, p.field, p.message])).toEqual([
      ['warning', 'extra', 'unknown field'],
      ['warning', 'spec.trafficPolicy.loadBalancer.fancy', 'unknown field'],
    ]);
  });

  it('reports YAML syntax errors with line and column without losing earlier documents', () => {
    const r = loadYaml('apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: [unclosed\n', 'broken.yaml');
    expect(r.syntaxError).toBe(true);
    expect(r.objects.map((o) => o.kind)).toEqual(['Namespace']);
    expect(r.problems[0]!.message).toMatch(/YAML syntax error: line \d+, column \d+/);
  });

  it('rejects unsupported API versions and expands List documents', () => {
    const r = loadYaml('apiVersion: v1\nkind: List\nitems:\n- {apiVersion: networking.istio.io/v2, kind: Gateway, metadata: {name: g}}\n- {apiVersion: v1, kind: Namespace, metadata: {name: n}}\n');
    expect(r.objects.map((o) => o.kind)).toEqual(['Namespace']);
    expect(r.problems[0]!.field).toBe('apiVersion');
    expect(createConfigSnapshot(r.objects).get('Namespace', '', 'n')?.metadata.name).toBe('n');
  });
});

describe('loadYaml on hostile documents', () => {
  it('reports an alias without an anchor and an alias bomb as errors instead of throwing', () => {
    const dangling = loadYaml('apiVersion: v1\nkind: Service\nmetadata: {name: *nowhere}\n', 'a.yaml');
    expect(dangling.syntaxError).toBe(true);
    expect(dangling.problems).toEqual([expect.objectContaining({ severity: 'error', stage: 'syntax', message: expect.stringMatching(/^YAML error: .*alias/i) })]);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    const r = loadYaml(bomb, 'bomb.yaml');
    expect(r.syntaxError).toBe(true);
    expect(r.objects).toEqual([]);
  });
});
