import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { routeV3 } from '@minipilot/envoy-api';
import { virtualHost } from '../builders/route.js';
import { selectVirtualHost } from './virtual-host-match.js';
import { headerMatches, routeMatches } from './route-match.js';
import { normalizeSimulationRequest, type SimulationRequest } from './request.js';

type RouteMatchInit = MessageInitShape<typeof routeV3.RouteMatchSchema>;
type HeaderInit = MessageInitShape<typeof routeV3.HeaderMatcherSchema>;
const route = (match: RouteMatchInit): routeV3.Route => create(routeV3.RouteSchema, { match });
const req = (r: SimulationRequest) => normalizeSimulationRequest({ port: 80, ...r });
const matches = (match: RouteMatchInit, r: SimulationRequest): boolean => routeMatches(route(match), req(r));
const header = (h: HeaderInit, headers: Record<string, string>): boolean =>
  headerMatches(create(routeV3.HeaderMatcherSchema, h), req({ headers }).headers);

describe('selectVirtualHost', () => {
  const vhosts = [
    virtualHost('exact', ['reviews.default.svc.cluster.local', 'reviews'], []),
    virtualHost('suffix-long', ['*.foo.example.com'], []),
    virtualHost('suffix-short', ['*.example.com'], []),
    virtualHost('prefix', ['api.*'], []),
    virtualHost('with-port', ['ratings:9080'], []),
    virtualHost('any', ['*'], []),
  ];
  const name = (host: string, strip = true): string | undefined => selectVirtualHost(vhosts, host, strip)?.name;

  it('prefers exact, then the longest suffix wildcard, then prefix wildcards, then *', () => {
    expect(name('reviews')).toBe('exact');
    expect(name('REVIEWS.default.svc.cluster.local')).toBe('exact');
    expect(name('a.foo.example.com')).toBe('suffix-long');
    expect(name('a.example.com')).toBe('suffix-short');
    expect(name('api.example.org')).toBe('prefix');
    expect(name('api.example.com')).toBe('suffix-short');
    expect(name('elsewhere')).toBe('any');
  });

  it('a wildcard needs at least one character; ports are stripped only when asked', () => {
    expect(name('.example.com')).toBe('any');
    expect(name('reviews:9080')).toBe('exact');
    expect(name('reviews:9080', false)).toBe('any');
    expect(name('ratings:9080', false)).toBe('with-port');
    expect(selectVirtualHost([virtualHost('only', ['a.com'], [])], 'b.com', true)).toBeUndefined();
  });
});

describe('routeMatches', () => {
  it('matches paths: prefix (query included), exact path and regex without the query, case sensitivity', () => {
    expect(matches({ pathSpecifier: { case: 'prefix', value: '/api' } }, { path: '/api/v1?x=1' })).toBe(true);
    expect(matches({ pathSpecifier: { case: 'prefix', value: '/api' } }, { path: '/API' })).toBe(false);
    expect(matches({ pathSpecifier: { case: 'prefix', value: '/api' }, caseSensitive: false }, { path: '/API' })).toBe(true);
    expect(matches({ pathSpecifier: { case: 'path', value: '/login' } }, { path: '/login?next=/' })).toBe(true);
    expect(matches({ pathSpecifier: { case: 'path', value: '/login' } }, { path: '/login/' })).toBe(false);
    expect(matches({ pathSpecifier: { case: 'safeRegex', value: { regex: '/static/.*\\.css' } } }, { path: '/static/a.css?v=2' })).toBe(true);
    expect(matches({ pathSpecifier: { case: 'safeRegex', value: { regex: '/static' } } }, { path: '/static/a.css' })).toBe(false);
    expect(matches({ pathSpecifier: { case: 'safeRegex', value: { regex: '(' } } }, { path: '(' })).toBe(false);
  });

  it('path_separated_prefix needs a segment boundary', () => {
    const m: RouteMatchInit = { pathSpecifier: { case: 'pathSeparatedPrefix', value: '/api' } };
    expect(matches(m, { path: '/api' })).toBe(true);
    expect(matches(m, { path: '/api/x' })).toBe(true);
    expect(matches(m, { path: '/api?q' })).toBe(true);
    expect(matches(m, { path: '/apix' })).toBe(false);
  });

  it('requires every header matcher, including :method and :authority', () => {
    const m: RouteMatchInit = {
      pathSpecifier: { case: 'prefix', value: '/' },
      headers: [
        { name: 'end-user', headerMatchSpecifier: { case: 'stringMatch', value: { matchPattern: { case: 'exact', value: 'jason' } } } },
        { name: ':method', headerMatchSpecifier: { case: 'stringMatch', value: { matchPattern: { case: 'exact', value: 'GET' } } } },
      ],
    };
    expect(matches(m, { headers: { 'End-User': 'jason' } })).toBe(true);
    expect(matches(m, { headers: { 'end-user': 'jason' }, method: 'POST' })).toBe(false);
    expect(matches(m, { headers: { 'end-user': 'json' } })).toBe(false);
    expect(matches(m, {})).toBe(false);
    expect(matches({ pathSpecifier: { case: 'prefix', value: '/' }, headers: [{ name: ':authority', headerMatchSpecifier: { case: 'stringMatch', value: { matchPattern: { case: 'prefix', value: 'reviews' } } } }] },
      { host: 'reviews:9080' })).toBe(true);
  });

  it('matches query parameters (string and present)', () => {
    const m: RouteMatchInit = {
      pathSpecifier: { case: 'prefix', value: '/' },
      queryParameters: [
        { name: 'v', queryParameterMatchSpecifier: { case: 'stringMatch', value: { matchPattern: { case: 'exact', value: '2' } } } },
        { name: 'debug', queryParameterMatchSpecifier: { case: 'presentMatch', value: true } },
      ],
    };
    expect(matches(m, { path: '/x?v=2&debug' })).toBe(true);
    expect(matches(m, { path: '/x?v=3&debug' })).toBe(false);
    expect(matches(m, { path: '/x?v=2' })).toBe(false);
  });

  it('honours gRPC, TLS-context and dynamic-metadata options', () => {
    expect(matches({ pathSpecifier: { case: 'prefix', value: '/' }, grpc: {} }, { protocol: 'grpc' })).toBe(true);
    expect(matches({ pathSpecifier: { case: 'prefix', value: '/' }, grpc: {} }, { protocol: 'http2' })).toBe(false);
    expect(matches({ pathSpecifier: { case: 'prefix', value: '/' }, tlsContext: { presented: true } }, { tls: 'mtls' })).toBe(true);
    expect(matches({ pathSpecifier: { case: 'prefix', value: '/' }, tlsContext: { presented: true } }, { tls: 'tls' })).toBe(false);
    expect(matches({ pathSpecifier: { case: 'prefix', value: '/' }, dynamicMetadata: [{ filter: 'envoy.filters.http.jwt_authn' }] }, {})).toBe(false);
    expect(routeMatches(create(routeV3.RouteSchema, {}), req({}))).toBe(false);
  });
});

describe('headerMatches (Envoy HeaderMatcher semantics)', () => {
  it('evaluates exact, prefix, suffix, contains, regex and range', () => {
    expect(header({ name: 'x', headerMatchSpecifier: { case: 'exactMatch', value: 'a' } }, { x: 'a' })).toBe(true);
    expect(header({ name: 'x', headerMatchSpecifier: { case: 'prefixMatch', value: 'ab' } }, { x: 'abc' })).toBe(true);
    expect(header({ name: 'x', headerMatchSpecifier: { case: 'suffixMatch', value: 'bc' } }, { x: 'abc' })).toBe(true);
    expect(header({ name: 'x', headerMatchSpecifier: { case: 'containsMatch', value: 'b' } }, { x: 'abc' })).toBe(true);
    expect(header({ name: 'x', headerMatchSpecifier: { case: 'safeRegexMatch', value: { regex: 'a.c' } } }, { x: 'abc' })).toBe(true);
    expect(header({ name: 'x', headerMatchSpecifier: { case: 'stringMatch', value: { matchPattern: { case: 'exact', value: 'ABC' }, ignoreCase: true } } }, { x: 'abc' })).toBe(true);
    expect(header({ name: 'x', headerMatchSpecifier: { case: 'stringMatch', value: { matchPattern: { case: 'safeRegex', value: { regex: '(?i)ABC' } } } } }, { x: 'abc' })).toBe(true);
    expect(header({ name: 'x', headerMatchSpecifier: { case: 'rangeMatch', value: { start: 1n, end: 10n } } }, { x: '9' })).toBe(true);
    expect(header({ name: 'x', headerMatchSpecifier: { case: 'rangeMatch', value: { start: 1n, end: 10n } } }, { x: '10' })).toBe(false);
  });

  it('handles present, invert and missing headers as Envoy does', () => {
    expect(header({ name: 'x', headerMatchSpecifier: { case: 'presentMatch', value: true } }, { x: '' })).toBe(true);
    expect(header({ name: 'x', headerMatchSpecifier: { case: 'presentMatch', value: true } }, {})).toBe(false);
    expect(header({ name: 'x', headerMatchSpecifier: { case: 'presentMatch', value: false } }, {})).toBe(true);
    expect(header({ name: 'x', headerMatchSpecifier: { case: 'presentMatch', value: true }, invertMatch: true }, {})).toBe(true);
    const notJason: HeaderInit = { name: 'end-user', headerMatchSpecifier: { case: 'stringMatch', value: { matchPattern: { case: 'exact', value: 'jason' } } }, invertMatch: true };
    expect(header(notJason, { 'end-user': 'bob' })).toBe(true);
    expect(header(notJason, { 'end-user': 'jason' })).toBe(false);
    expect(header(notJason, {})).toBe(false); // missing header: an inverted value match fails...
    expect(header({ ...notJason, treatMissingHeaderAsEmpty: true }, {})).toBe(true); // ...unless treated as empty (Istio's withoutHeaders)
  });
});
