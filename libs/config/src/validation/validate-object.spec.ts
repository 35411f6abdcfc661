import { loadYaml } from '../load-yaml.js';
import { formatProblem } from '../problem.js';
import { re2Error } from './regex.js';
import { durationError } from './primitives.js';
import { headerValueError } from './headers.js';
import { wildcardDomainError, isIPAddress, ipSubnetError } from './hostname.js';

const vs = (spec: string, meta = 'name: r, namespace: default'): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {${meta}}
spec:
${spec}`;
const lines = (text: string): string[] => loadYaml(text, 'x.yaml').problems.map(formatProblem);

describe('validateConfigObject through parseConfigObject', () => {
  it('reports every problem of a resource at once, errors apart from warnings, and withholds the object', () => {
    const r = loadYaml(vs(`  hosts: ['*']
  http:
  - mirrorPercent: 50
    timeout: 1500us
    match: [{uri: {regex: 'a(?=b)'}, method: {prefix: ''}}]
    route: [{destination: {host: r, subset: v1.0}, weight: -1}]
`), 'x.yaml');
    expect(r.objects).toEqual([]);
    expect(r.results[0]!.key).toBe('VirtualService/default/r');
    expect(r.problems.map((p) => [p.severity, p.stage, p.field, p.message])).toEqual([
      ['error', 'validation', 'spec.hosts[0]', 'wildcard host * is not allowed for virtual services bound to the mesh gateway'],
      ['error', 'validation', 'spec.http[0].match[0].uri', '"uri": error parsing regexp: invalid or unsupported Perl syntax: `(?=`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)'],
      ['error', 'validation', 'spec.http[0].match[0].method', '"method": prefix string match should not be empty'],
      ['warning', 'validation', 'spec.http[0].mirrorPercent', 'using deprecated setting "mirrorPercent", use "mirrorPercentage" instead'],
      ['error', 'validation', 'spec.http[0].route[0].destination.subset', 'subset name is invalid: v1.0'],
      ['error', 'validation', 'spec.http[0].route[0].weight', 'weight -1 < 0'],
      ['error', 'validation', 'spec.http[0].timeout', 'only durations to ms precision are supported'],
    ]);
  });

  it('keeps a resource with warnings only, and accepts snake_case fields and Go durations', () => {
    const r = loadYaml(vs(`  hosts: [r]
  http:
  - route: [{destination: {host: r}}]
    timeout: 1h30m
    retries: {attempts: 3, per_try_timeout: 500ms, retry_on: '5xx,503,connect-failure'}
  - route: [{destination: {host: r}}]
`), 'x.yaml');
    expect(r.objects).toHaveLength(1);
    expect(r.problems.map(formatProblem)).toEqual(['Warning [IST0130] [VirtualService default/r] x.yaml:1: spec.http[1]: virtualService rule #1 not used (only the last rule can have no matches)']);
  });

  it('accepts what Istio accepts: AUTO_PASSTHROUGH SNI names on gateways, withoutHeaders regex "*", httpsRedirect-only tls on HTTP', () => {
    const objects = [
      vs(`  hosts: ['outbound_.80_._.a.example.com']
  gateways: [g]
  tls: [{match: [{sniHosts: ['outbound_.80_._.a.example.com']}], route: [{destination: {host: b}}]}]
`),
      vs(`  hosts: [a.example.com]
  http: [{match: [{withoutHeaders: {x-user: {regex: '*'}}}], route: [{destination: {host: b}}]}]
`),
      `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: g}
spec:
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['*'], tls: {httpsRedirect: true}}]
`,
    ];
    for (const text of objects) expect(loadYaml(text, 'x.yaml').problems).toEqual([]);
  });

  it('validates every kind with Istio messages', () => {
    expect(lines(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: d}
spec:
  host: reviews
  subsets: [{name: v1}, {name: v1}]
  traffic_policy: {loadBalancer: {consistentHash: {maglev: {tableSize: 100}}}}
`)).toEqual([
      'Error [DestinationRule default/d] x.yaml:1: spec.trafficPolicy.loadBalancer.consistentHash.maglev: tableSize must be a prime number for maglev',
      'Error [DestinationRule default/d] x.yaml:1: spec.subsets[1].name: duplicate subset names: v1',
    ]);
    expect(lines(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: s}
spec:
  hosts: ['*.example.com', '*x.example.com']
  addresses: [10.0.0.0/8]
  ports: [{number: 443, name: https, protocol: HTTPS}]
  resolution: DNS
`)).toEqual([
      'Warning [ServiceEntry default/s] x.yaml:1: spec.hosts[1]: partial wildcard "*x.example.com" not allowed',
      'Error [ServiceEntry default/s] x.yaml:1: spec.addresses: CIDR addresses are allowed only for NONE/STATIC resolution types',
      'Error [ServiceEntry default/s] x.yaml:1: spec.hosts[0]: hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode DNS, domain name "*.example.com" invalid (label "*" invalid)',
      'Warning [ServiceEntry default/s] x.yaml:1: spec: service entry can not have more than one host specified simultaneously with address and tcp port',
    ]);
  });
});

describe('validation primitives', () => {
  it('decides regexes with RE2, not JavaScript', () => {
    for (const ok of ['^/api/v[0-9]+/.*$', '(?i)abc', '(?P<name>x)', '\\d{2,}']) expect(re2Error(ok)).toBeUndefined();
    for (const jsAccepts of ['a(?=b)', '(?<!a)b', '(a)\\1', 'a{1001}']) {
      expect(() => new RegExp(jsAccepts)).not.toThrow();
      expect(re2Error(jsAccepts)).toMatch(/^error parsing regexp: /);
    }
    expect(re2Error('?')).toBe('error parsing regexp: missing argument to repetition operator: `?`');
  });

  it('checks durations as Istio: at least 1ms, whole milliseconds', () => {
    expect(durationError('1ms')).toBeUndefined();
    expect(durationError('1h30m')).toBeUndefined();
    expect(durationError('0s')).toBe('duration must be greater than 1ms');
    expect(durationError('999us')).toBe('duration must be greater than 1ms');
    expect(durationError('1.0005s')).toBe('only durations to ms precision are supported');
  });

  it('parses header values like Envoy', () => {
    expect(headerValueError('100%%')).toBeUndefined();
    expect(headerValueError('%DOWNSTREAM_REMOTE_ADDRESS%')).toBeUndefined();
    expect(headerValueError('%REQ(x-a)% and %START_TIME(%s)%')).toBeUndefined();
    expect(headerValueError('50%')).toBe('header value configuration: invalid header configuration. Un-escaped %');
    expect(headerValueError('%REQ(x-a')).toBe("header value configuration: invalid header configuration. Un-terminated variable expression '%REQ(x-a'");
  });

  it('checks host names and addresses', () => {
    expect(wildcardDomainError('*.example.com')).toBeUndefined();
    expect(wildcardDomainError('Example.COM')).toBeUndefined();
    expect(wildcardDomainError('a.*.com')).toBe('domain name "*.com" invalid (label "*" invalid)');
    expect(wildcardDomainError('foo.123')).toBe('domain name "123" invalid (top level domain "123" cannot be all-numeric)');
    expect(wildcardDomainError('')).toBe('empty domain name not allowed');
    expect(isIPAddress('::ffff:10.0.0.1')).toBe(true);
    expect(isIPAddress('1:2:3:4:5:6:7:8:9')).toBe(false);
    expect(ipSubnetError('10.0.0.0/33')).toBe('10.0.0.0/33 is not a valid CIDR block');
  });
});
