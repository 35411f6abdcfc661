import * as fs from 'node:fs';
import * as path from 'node:path';
import { toJson } from '@bufbuild/protobuf';
import { routeV3, envoyRegistry } from '@minipilot/envoy-api';
import { buildHttpRoutes } from './http-route.js';
import { defaultRoute } from './default-route.js';
import { hashPolicyForService } from './hash-policy.js';
import { routeWorld, sidecarProxy, grpcProxy, routesJson, defaultRetryJson } from './testing/route-world.js';

const lab = path.resolve(__dirname, '../../../../apps/discovery/lab');
const samples = path.resolve(__dirname, '../../../../../shared/samples');
const services = fs.readFileSync(path.join(lab, 'bookinfo-services.yaml'), 'utf8');
const labRules = fs.readFileSync(path.join(lab, 'destination-rules.yaml'), 'utf8');
const sample = (name: string): string => fs.readFileSync(path.join(samples, name), 'utf8');
const REVIEWS = 'reviews.default.svc.cluster.local';
const RATINGS = 'ratings.default.svc.cluster.local';
const v = (subset: string, host = REVIEWS): string => `outbound|9080|${subset}|${host}`;

function vsYaml(name: string, http: string): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: default}
spec:
  hosts: [${name}]
  http: ${http}
`;
}

interface Run { out: any[]; problems: string[] }
function run(vs: string, o: { grpc?: boolean; rules?: string; name?: string; tls?: boolean } = {}): Run {
  const w = routeWorld([services, o.rules ?? labRules, vs]);
  const problems: string[] = [];
  const routes = buildHttpRoutes({
    push: w.push, proxy: o.grpc ? grpcProxy() : sidecarProxy(), vs: w.vs(o.name ?? 'reviews'), gateway: 'mesh', port: 9080,
    grpc: o.grpc ?? false, ...(o.tls ? { tls: true } : {}), onProblem: (p) => problems.push(p),
  });
  return { out: routesJson(routes) as any[], problems };
}
const first = (vs: string, o: Parameters<typeof run>[1] = {}): any => run(vs, o).out[0];

describe('destinations', () => {
  it('istio sample reviews-50-v3: weighted clusters without total_weight, decorated with the VirtualService name', () => {
    expect(first(sample('samples_bookinfo_networking__virtual-service-reviews-50-v3.yaml'))).toEqual({
      match: { prefix: '/' },
      route: {
        weightedClusters: { clusters: [{ name: v('v1'), weight: 50 }, { name: v('v3'), weight: 50 }] },
        timeout: '0s', retryPolicy: defaultRetryJson(), maxGrpcTimeout: '0s',
      },
      metadata: { filterMetadata: { istio: { config: '/apis/networking.istio.io/v1/namespaces/default/virtual-service/reviews' } } },
      decorator: { operation: 'reviews:9080/*' },
    });
  });

  it('gives proxyless gRPC clients total_weight, max_stream_duration and no default retry policy', () => {
    const r = first(sample('samples_bookinfo_networking__virtual-service-reviews-50-v3.yaml'), { grpc: true });
    expect(r.route).toEqual({
      weightedClusters: { clusters: [{ name: v('v1'), weight: 50 }, { name: v('v3'), weight: 50 }], totalWeight: 100 },
      timeout: '0s', maxStreamDuration: { maxStreamDuration: '0s' },
    });
  });

  it('drops weight-0 destinations from weighted clusters', () => {
    expect(first(vsYaml('reviews', `[{route: [{destination: {host: reviews, subset: v1}, weight: 100}, {destination: {host: reviews, subset: v2}, weight: 0}]}]`)).route.weightedClusters)
      .toEqual({ clusters: [{ name: v('v1'), weight: 100 }] });
  });

  it('uses the destination port, else the service\'s only port; unknown hosts still get a cluster name', () => {
    expect(first(vsYaml('reviews', `[{route: [{destination: {host: reviews, port: {number: 9999}}}]}]`)).route.cluster).toBe(`outbound|9999||${REVIEWS}`);
    expect(first(vsYaml('reviews', `[{route: [{destination: {host: ratings}}]}]`)).route.cluster).toBe(`outbound|9080||${RATINGS}`);
    expect(first(vsYaml('reviews', `[{route: [{destination: {host: httpbin.org}}]}]`)).route.cluster).toBe('outbound|9080||httpbin.org');
  });
});

describe('timeouts and retries', () => {
  it('timeout sets timeout and max_grpc_timeout (max_stream_duration for gRPC clients)', () => {
    const vs = vsYaml('reviews', `[{timeout: 10s, route: [{destination: {host: reviews}}]}]`);
    expect(first(vs).route).toMatchObject({ timeout: '10s', maxGrpcTimeout: '10s' });
    const g = first(vs, { grpc: true }).route;
    expect(g).toMatchObject({ timeout: '10s', maxStreamDuration: { maxStreamDuration: '10s' } });
    expect(g.maxGrpcTimeout).toBeUndefined();
  });

  const retries: { name: string; retries: string; expected: unknown }[] = [
    { name: 'attempts 0 → no retry policy', retries: '{attempts: 0}', expected: undefined },
    {
      name: 'attempts and perTryTimeout over the default policy',
      retries: '{attempts: 3, perTryTimeout: 2s}',
      expected: { ...(defaultRetryJson() as object), numRetries: 3, perTryTimeout: '2s' },
    },
    {
      name: 'retryOn: status codes move to retriable_status_codes, retriable-status-codes appended',
      retries: "{attempts: 2, retryOn: '5xx,503,gateway-error,429'}",
      expected: { ...(defaultRetryJson() as object), retryOn: '5xx,gateway-error,retriable-status-codes', retriableStatusCodes: [503, 429] },
    },
    {
      name: 'retryOn without codes is used as written',
      retries: "{attempts: 2, retryOn: 'connect-failure,reset'}",
      expected: { ...(defaultRetryJson() as object), retryOn: 'connect-failure,reset' },
    },
    {
      name: 'retryIgnorePreviousHosts false removes the previous-hosts predicate; backoff → base_interval',
      retries: '{attempts: 4, retryIgnorePreviousHosts: false, backoff: 250ms}',
      expected: { ...(defaultRetryJson(false) as object), numRetries: 4, retryBackOff: { baseInterval: '0.250s' } },
    },
  ];
  it.each(retries)('$name', ({ retries: r, expected }) => {
    expect(first(vsYaml('reviews', `[{retries: ${r}, route: [{destination: {host: reviews}}]}]`)).route.retryPolicy).toEqual(expected);
  });

  it('gives gRPC clients an explicit retry policy without the host predicate (gRPC ignores it)', () => {
    const r = first(vsYaml('reviews', `[{retries: {attempts: 3, retryOn: unavailable}, route: [{destination: {host: reviews}}]}]`), { grpc: true });
    expect(r.route.retryPolicy).toEqual({ retryOn: 'unavailable', numRetries: 3, hostSelectionRetryMaxAttempts: '5' });
  });

  it('retryRemoteLocalities adds the previous_priorities retry priority, update frequency 2 (istiod route/retry/retry.go ConvertPolicy)', () => {
    const r = run(vsYaml('reviews', `[{retries: {attempts: 2, retryRemoteLocalities: true}, route: [{destination: {host: reviews}}]}]`));
    expect(r.out[0].route.retryPolicy.numRetries).toBe(2);
    expect(r.out[0].route.retryPolicy.retryPriority).toEqual({
      name: 'envoy.retry_priorities.previous_priorities',
      typedConfig: { '@type': 'type.googleapis.com/envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig', updateFrequency: 2 },
    });
    expect(r.problems).toEqual([]);
  });
});

describe('fault injection', () => {
  const FAULT = 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault';
  it('istio sample ratings-test-delay: 7s delay for 100% (numerator value×10000 per MILLION) on the jason route only', () => {
    const out = run(sample('samples_bookinfo_networking__virtual-service-ratings-test-delay.yaml'), { name: 'ratings' }).out;
    expect(out[0].typedPerFilterConfig).toEqual({
      'envoy.filters.http.fault': { '@type': FAULT, delay: { fixedDelay: '7s', percentage: { numerator: 1000000, denominator: 'MILLION' } } },
    });
    expect(out[1].typedPerFilterConfig).toBeUndefined();
    expect(out[0].route.cluster).toBe(v('v1', RATINGS));
  });

  it('istio sample ratings-test-abort: HTTP 500 for 100%', () => {
    const out = run(sample('samples_bookinfo_networking__virtual-service-ratings-test-abort.yaml'), { name: 'ratings' }).out;
    expect(out[0].typedPerFilterConfig['envoy.filters.http.fault']).toEqual({
      '@type': FAULT, abort: { httpStatus: 500, percentage: { numerator: 1000000, denominator: 'MILLION' } },
    });
  });

  const faults: { name: string; fault: string; expected: unknown }[] = [
    { name: 'fractional percentage', fault: '{delay: {fixedDelay: 1s, percentage: {value: 0.1}}}', expected: { delay: { fixedDelay: '1s', percentage: { numerator: 1000, denominator: 'MILLION' } } } },
    { name: 'deprecated integer percent → HUNDRED', fault: '{delay: {fixedDelay: 2s, percent: 30}}', expected: { delay: { fixedDelay: '2s', percentage: { numerator: 30 } } } },
    { name: 'delay without any percentage → 0%', fault: '{delay: {fixedDelay: 2s}}', expected: { delay: { fixedDelay: '2s', percentage: {} } } },
    { name: 'abort without percentage leaves it unset', fault: '{abort: {httpStatus: 503}}', expected: { abort: { httpStatus: 503 } } },
    { name: 'gRPC status by name', fault: '{abort: {grpcStatus: UNAVAILABLE, percentage: {value: 50}}}', expected: { abort: { grpcStatus: 14, percentage: { numerator: 500000, denominator: 'MILLION' } } } },
  ];
  it.each(faults)('$name', ({ fault, expected }) => {
    const r = first(vsYaml('reviews', `[{fault: ${fault}, route: [{destination: {host: reviews}}]}]`));
    expect(r.typedPerFilterConfig['envoy.filters.http.fault']).toEqual({ '@type': FAULT, ...(expected as object) });
  });
});

describe('mirroring', () => {
  const mirror = (m: string): unknown => first(vsYaml('reviews', `[{${m}, route: [{destination: {host: reviews, subset: v1}}]}]`)).route.requestMirrorPolicies;
  it('mirror without a percentage mirrors 100% (HUNDRED), trace_sampled false', () => {
    expect(mirror('mirror: {host: reviews, subset: v2}')).toEqual([{ cluster: v('v2'), runtimeFraction: { defaultValue: { numerator: 100 } }, traceSampled: false }]);
  });
  it('mirrorPercentage per MILLION, deprecated mirrorPercent per HUNDRED, 0 mirrors nothing', () => {
    expect(mirror('mirror: {host: reviews, subset: v2}, mirrorPercentage: {value: 12.5}')).toEqual([
      { cluster: v('v2'), runtimeFraction: { defaultValue: { numerator: 125000, denominator: 'MILLION' } }, traceSampled: false },
    ]);
    expect(mirror('mirror: {host: reviews, subset: v2}, mirrorPercent: 40')).toEqual([{ cluster: v('v2'), runtimeFraction: { defaultValue: { numerator: 40 } }, traceSampled: false }]);
    expect(mirror('mirror: {host: reviews, subset: v2}, mirrorPercentage: {value: 0}')).toBeUndefined();
  });
  it('mirrors[] adds one policy per entry (100% without a percentage)', () => {
    expect(mirror('mirrors: [{destination: {host: reviews, subset: v3}, percentage: {value: 5}}, {destination: {host: details}}]')).toEqual([      { cluster: v('v3'), runtimeFraction: { defaultValue: { numerator: 50000, denominator: 'MILLION' } }, traceSampled: false },
      { cluster: v('', 'details.default.svc.cluster.local'), runtimeFraction: { defaultValue: { numerator: 100 } }, traceSampled: false },
    ]);
  });
});

describe('redirect and direct response', () => {
  const redirect = (r: string, o: Parameters<typeof run>[1] = {}): any => first(vsYaml('reviews', `[{redirect: ${r}}]`), o);
  it('redirect: host and path, 301 (the default enum value), decorated with the VirtualService name', () => {
    expect(redirect('{uri: /v1/bookinfo, authority: bookinfo.example.com}')).toEqual({
      match: { prefix: '/' },
      redirect: { hostRedirect: 'bookinfo.example.com', pathRedirect: '/v1/bookinfo' },
      metadata: expect.anything(),
      decorator: { operation: 'reviews:9080/*' },
    });
  });
  const table: { name: string; r: string; tls?: boolean; expected: unknown }[] = [
    { name: 'scheme and code 302', r: '{uri: /x, scheme: https, redirectCode: 302}', expected: { pathRedirect: '/x', schemeRedirect: 'https', responseCode: 'FOUND' } },
    { name: 'code 303', r: '{uri: /y, redirectCode: 303}', expected: { pathRedirect: '/y', responseCode: 'SEE_OTHER' } },
    { name: 'code 307', r: '{uri: /y, redirectCode: 307}', expected: { pathRedirect: '/y', responseCode: 'TEMPORARY_REDIRECT' } },
    { name: 'code 308', r: '{uri: /y, redirectCode: 308}', expected: { pathRedirect: '/y', responseCode: 'PERMANENT_REDIRECT' } },
    { name: 'explicit port (path_redirect always set, even empty)', r: '{port: 8443}', expected: { pathRedirect: '', portRedirect: 8443 } },
    { name: 'port 80 with http is omitted', r: '{port: 80}', expected: { pathRedirect: '' } },
    { name: 'port 443 with scheme https is omitted', r: '{port: 443, scheme: https}', expected: { pathRedirect: '', schemeRedirect: 'https' } },
    { name: 'port 443 on a TLS server is omitted', r: '{port: 443}', tls: true, expected: { pathRedirect: '' } },
    { name: 'derivePort FROM_REQUEST_PORT → the listener port', r: '{derivePort: FROM_REQUEST_PORT}', expected: { pathRedirect: '', portRedirect: 9080 } },
    { name: 'derivePort FROM_PROTOCOL_DEFAULT → no port', r: '{derivePort: FROM_PROTOCOL_DEFAULT}', expected: { pathRedirect: '' } },
  ];
  it.each(table)('redirect: $name', ({ r, tls, expected }) => {
    expect(redirect(r, tls ? { tls } : {}).redirect).toEqual(expected);
  });
  it('skips a redirect with an unsupported code and reports it', () => {
    const r = run(vsYaml('reviews', `[{match: [{uri: {prefix: /a}}], redirect: {uri: /x, redirectCode: 305}}, {route: [{destination: {host: reviews}}]}]`));
    expect(r.out.map((x) => x.route?.cluster)).toEqual([`outbound|9080||${REVIEWS}`]);
    expect(r.problems).toEqual(['VirtualService default/reviews http[0].redirect.redirectCode: 305 is not one of 301, 302, 303, 307, 308; route skipped']);
  });
  it('direct response with a string or base64 bytes body', () => {
    expect(first(vsYaml('reviews', `[{directResponse: {status: 503, body: {string: unavailable}}}]`)).directResponse).toEqual({ status: 503, body: { inlineString: 'unavailable' } });
    expect(first(vsYaml('reviews', `[{directResponse: {status: 200, body: {bytes: aGk=}}}]`)).directResponse).toEqual({ status: 200, body: { inlineBytes: 'aGk=' } });
  });
  it('never gives gRPC clients redirect or direct_response routes, and stops at a dropped catch-all', () => {
    const vs = vsYaml('reviews', `[{match: [{uri: {prefix: /a}}], redirect: {uri: /b}}, {match: [{uri: {prefix: /c}}], directResponse: {status: 404}}, {match: [{uri: {prefix: /d}}], route: [{destination: {host: reviews, subset: v2}}]}, {redirect: {uri: /e}}, {route: [{destination: {host: reviews}}]}]`);
    expect(run(vs, { grpc: true }).out.map((r) => r.route.cluster)).toEqual([v('v2')]);
    expect(run(vs).out.map((r) => Object.keys(r).find((k) => ['route', 'redirect', 'directResponse'].includes(k)))).toEqual(['redirect', 'directResponse', 'route', 'redirect']);
  });
});

describe('rewrite and header operations', () => {
  it('rewrite: uri → prefix_rewrite, uriRegexRewrite → regex_rewrite, authority → host_rewrite_literal', () => {
    expect(first(vsYaml('reviews', `[{rewrite: {uri: /v2, authority: new.example.com}, route: [{destination: {host: reviews}}]}]`)).route)
      .toMatchObject({ prefixRewrite: '/v2', hostRewriteLiteral: 'new.example.com' });
    expect(first(vsYaml('reviews', `[{rewrite: {uriRegexRewrite: {match: '^/service/([^/]+)(/.*)$', rewrite: '\\2/instance/\\1'}}, route: [{destination: {host: reviews}}]}]`)).route.regexRewrite)
      .toEqual({ pattern: { regex: '^/service/([^/]+)(/.*)$' }, substitution: '\\2/instance/\\1' });
  });

  it('set (overwrite) then add (append, the default action), each sorted by key; a :authority set becomes the host rewrite, not a header', () => {
    const r = first(vsYaml('reviews', `[{headers: {request: {set: {x-b: '1', x-a: '2', ':authority': auth.example.com}, add: {x-c: '3'}, remove: [x-d]}, response: {set: {x-r: r}, remove: [x-s]}}, route: [{destination: {host: reviews}}]}]`));
    expect(r.requestHeadersToAdd).toEqual([
      { header: { key: 'x-a', value: '2' }, appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD' },
      { header: { key: 'x-b', value: '1' }, appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD' },
      { header: { key: 'x-c', value: '3' } },
    ]);
    expect(r.requestHeadersToRemove).toEqual(['x-d']);
    expect(r.responseHeadersToAdd).toEqual([{ header: { key: 'x-r', value: 'r' }, appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD' }]);
    expect(r.responseHeadersToRemove).toEqual(['x-s']);
    expect(r.route.hostRewriteLiteral).toBe('auth.example.com');
  });

  it('per-destination headers: appended to the route for one destination, on the weighted entry otherwise', () => {
    const one = first(vsYaml('reviews', `[{headers: {request: {set: {x-route: r}}}, route: [{destination: {host: reviews}, headers: {request: {set: {x-dest: d, host: h.example.com}}, response: {add: {x-resp: '1'}}}}]}]`));
    expect(one.requestHeadersToAdd.map((h: any) => h.header.key)).toEqual(['x-route', 'x-dest']);
    expect(one.responseHeadersToAdd).toEqual([{ header: { key: 'x-resp', value: '1' } }]);
    expect(one.route.hostRewriteLiteral).toBe('h.example.com');
    const weighted = first(vsYaml('reviews', `[{route: [{destination: {host: reviews, subset: v1}, weight: 90, headers: {request: {set: {x-v: '1', ':authority': one.example.com}}}}, {destination: {host: reviews, subset: v2}, weight: 10}]}]`));
    expect(weighted.route.weightedClusters.clusters).toEqual([
      { name: v('v1'), weight: 90, requestHeadersToAdd: [{ header: { key: 'x-v', value: '1' }, appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD' }], hostRewriteLiteral: 'one.example.com' },
      { name: v('v2'), weight: 10 },
    ]);
    expect(weighted.requestHeadersToAdd).toBeUndefined();
  });
});

describe('CORS', () => {
  const CORS = 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy';
  const vs = vsYaml('reviews', `[{corsPolicy: {allowOrigins: [{exact: 'https://a.example.com'}, {regex: 'https://.*\\.example\\.org'}], allowMethods: [GET, POST], allowHeaders: [x-a, x-b], exposeHeaders: [x-c], maxAge: 24h, allowCredentials: false}, route: [{destination: {host: reviews}}]}]`);
  it('puts a CorsPolicy in typed_per_filter_config, enabled 100%, forwarding unmatched preflights', () => {
    expect(first(vs).typedPerFilterConfig).toEqual({
      'envoy.filters.http.cors': {
        '@type': CORS,
        allowOriginStringMatch: [{ exact: 'https://a.example.com' }, { safeRegex: { regex: 'https://.*\\.example\\.org' } }],
        allowMethods: 'GET,POST', allowHeaders: 'x-a,x-b', exposeHeaders: 'x-c', maxAge: '86400', allowCredentials: false,
        filterEnabled: { defaultValue: { numerator: 100 } },
        forwardNotMatchingPreflights: true,
      },
    });
  });
  it('deprecated allowOrigin → exact matchers; unmatchedPreflights IGNORE → no forwarding', () => {
    const c = first(vsYaml('reviews', `[{corsPolicy: {allowOrigin: ['https://old.example.com'], unmatchedPreflights: IGNORE}, route: [{destination: {host: reviews}}]}]`)).typedPerFilterConfig['envoy.filters.http.cors'];
    expect(c).toEqual({ '@type': CORS, allowOriginStringMatch: [{ exact: 'https://old.example.com' }], filterEnabled: { defaultValue: { numerator: 100 } }, forwardNotMatchingPreflights: false });
  });
  it('is not sent to gRPC clients (no CORS filter there)', () => {
    expect(first(vs, { grpc: true }).typedPerFilterConfig).toBeUndefined();
  });
});

describe('consistent-hash DestinationRules', () => {
  const rule = (tp: string, subsets = '[{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}, trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true}}}}]'): string => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  trafficPolicy: ${tp}
  subsets: ${subsets}
`;
  const hashRule = rule(`{loadBalancer: {consistentHash: {httpHeaderName: x-user}}, portLevelSettings: [{port: {number: 9090}, loadBalancer: {consistentHash: {httpQueryParameterName: q}}}]}`);

  it('adds the hash policy; the default retry policy then omits previous_hosts', () => {
    const r = first(vsYaml('reviews', `[{route: [{destination: {host: reviews, subset: v1}}]}]`), { rules: hashRule });
    expect(r.route.hashPolicy).toEqual([{ header: { headerName: 'x-user' } }]);
    expect(r.route.retryPolicy).toEqual(defaultRetryJson(false));
  });

  it('subset policy wins over the rule\'s, port-level over both levels', () => {
    expect(first(vsYaml('reviews', `[{route: [{destination: {host: reviews, subset: v2}}]}]`), { rules: hashRule }).route.hashPolicy).toEqual([{ connectionProperties: { sourceIp: true } }]);
    expect(first(vsYaml('reviews', `[{route: [{destination: {host: reviews, subset: v1, port: {number: 9090}}}]}]`), { rules: hashRule }).route.hashPolicy).toEqual([{ queryParameter: { name: 'q' } }]);
  });

  it('cookie with path and ttl; weighted destinations each contribute, previous_hosts kept', () => {
    const r = first(vsYaml('reviews', `[{route: [{destination: {host: reviews, subset: v1}, weight: 50}, {destination: {host: reviews, subset: v2}, weight: 50}]}]`),
      { rules: rule(`{loadBalancer: {consistentHash: {httpCookie: {name: session, path: /, ttl: 60s}}}}`) });
    expect(r.route.hashPolicy).toEqual([{ cookie: { name: 'session', ttl: '60s', path: '/' } }, { connectionProperties: { sourceIp: true } }]);
    expect(r.route.retryPolicy).toEqual(defaultRetryJson());
  });

  it('the default route takes the service-level hash policy (port-level for its port)', () => {
    const w = routeWorld([services, hashRule]);
    const hash = hashPolicyForService(w.push, sidecarProxy(), REVIEWS, 9080);
    const json = toJson(routeV3.RouteSchema, defaultRoute(`outbound|9080||${REVIEWS}`, REVIEWS, 9080, hash ? { hashPolicy: hash } : {}), { registry: envoyRegistry });
    expect(json).toEqual({
      name: 'default',
      match: { prefix: '/' },
      route: { cluster: `outbound|9080||${REVIEWS}`, timeout: '0s', retryPolicy: defaultRetryJson(false), hashPolicy: [{ header: { headerName: 'x-user' } }], maxGrpcTimeout: '0s' },
      decorator: { operation: `${REVIEWS}:9080/*` },
    });
    expect(hashPolicyForService(w.push, sidecarProxy(), REVIEWS, 9090)).toMatchObject({ policySpecifier: { case: 'queryParameter' } });
    expect(hashPolicyForService(w.push, sidecarProxy(), RATINGS, 9080)).toBeUndefined();
  });
});
