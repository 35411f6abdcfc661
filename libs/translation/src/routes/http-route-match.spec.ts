import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildHttpRoutes } from './http-route.js';
import { routeWorld, sidecarProxy, grpcProxy, routesJson, vsMetadata, defaultRetryJson } from './testing/route-world.js';
import type { Proxy } from '../proxy.js';

const lab = path.resolve(__dirname, '../../../../apps/discovery/lab');
const samples = path.resolve(__dirname, '../../../../../shared/samples');
const bookinfo = ['bookinfo-services.yaml', 'destination-rules.yaml'].map((f) => fs.readFileSync(path.join(lab, f), 'utf8'));
const sample = (name: string): string => fs.readFileSync(path.join(samples, name), 'utf8');
const REVIEWS = 'reviews.default.svc.cluster.local';

/** A VirtualService `reviews` in `default` for host reviews with the given http section (YAML flow). */
function reviewsVs(http: string, extra = ''): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
${extra}  http: ${http}
`;
}

function routes(vsYaml: string, o: { proxy?: Proxy; gateway?: string; port?: number; grpc?: boolean } = {}): any[] {
  const w = routeWorld([...bookinfo, vsYaml]);
  const proxy = o.proxy ?? (o.grpc ? grpcProxy() : sidecarProxy());
  return routesJson(buildHttpRoutes({ push: w.push, proxy, vs: w.vs('reviews'), gateway: o.gateway ?? 'mesh', port: o.port ?? 9080, grpc: o.grpc ?? false })) as any[];
}

/** The route action istiod gives a single destination with no timeout/retries set. */
function toCluster(cluster: string): unknown {
  return { cluster, timeout: '0s', retryPolicy: defaultRetryJson(), maxGrpcTimeout: '0s' };
}

describe('buildHttpRoutes: istio sample virtual-service-reviews-jason-v2-v3', () => {
  it('emits the header route to v2, then the catch-all to v3, as istiod does', () => {
    const out = routes(sample('samples_bookinfo_networking__virtual-service-reviews-jason-v2-v3.yaml'));
    expect(out).toEqual([
      {
        match: { prefix: '/', caseSensitive: true, headers: [{ name: 'end-user', stringMatch: { exact: 'jason' } }] },
        route: toCluster(`outbound|9080|v2|${REVIEWS}`),
        metadata: vsMetadata('reviews'),
        decorator: { operation: `${REVIEWS}:9080/*` },
      },
      {
        match: { prefix: '/' },
        route: toCluster(`outbound|9080|v3|${REVIEWS}`),
        metadata: vsMetadata('reviews'),
        decorator: { operation: `${REVIEWS}:9080/*` },
      },
    ]);
  });
});

describe('buildHttpRoutes: match translation', () => {
  const dest = `route: [{destination: {host: reviews}}]`;
  const table: { name: string; match: string; expected: unknown }[] = [
    { name: 'uri exact → path', match: `{uri: {exact: /login}}`, expected: { path: '/login', caseSensitive: true } },
    { name: 'uri prefix → prefix', match: `{uri: {prefix: /api/v1}}`, expected: { prefix: '/api/v1', caseSensitive: true } },
    { name: 'uri regex → safe_regex', match: `{uri: {regex: '/b[a-z]+'}}`, expected: { safeRegex: { regex: '/b[a-z]+' }, caseSensitive: true } },
    { name: 'ignoreUriCase → case_sensitive false', match: `{uri: {prefix: /A}, ignoreUriCase: true}`, expected: { prefix: '/A', caseSensitive: false } },
    {
      name: 'headers sorted by name; prefix, regex, empty (present)',
      match: `{headers: {zeta: {prefix: v}, alpha: {regex: 'a.*'}, empty: {}}}`,
      expected: {
        prefix: '/', caseSensitive: true,
        headers: [
          { name: 'alpha', stringMatch: { safeRegex: { regex: 'a.*' } } },
          { name: 'empty', presentMatch: true },
          { name: 'zeta', stringMatch: { prefix: 'v' } },
        ],
      },
    },
    {
      name: 'withoutHeaders sorted together with headers: invert_match, treat_missing_header_as_empty unless present',
      match: `{headers: {b: {exact: x}}, withoutHeaders: {a: {exact: y}, c: {}}}`,
      expected: {
        prefix: '/', caseSensitive: true,
        headers: [
          { name: 'a', stringMatch: { exact: 'y' }, invertMatch: true, treatMissingHeaderAsEmpty: true },
          { name: 'b', stringMatch: { exact: 'x' } },
          { name: 'c', presentMatch: true, invertMatch: true },
        ],
      },
    },
    {
      name: 'method, authority and scheme appended after the sorted headers',
      match: `{headers: {z: {exact: '1'}}, method: {exact: GET}, authority: {prefix: www}, scheme: {exact: https}}`,
      expected: {
        prefix: '/', caseSensitive: true,
        headers: [
          { name: 'z', stringMatch: { exact: '1' } },
          { name: ':method', stringMatch: { exact: 'GET' } },
          { name: ':authority', stringMatch: { prefix: 'www' } },
          { name: ':scheme', stringMatch: { exact: 'https' } },
        ],
      },
    },
    {
      name: 'queryParams → query_parameters (sorted by name), empty → present',
      match: `{queryParams: {v: {exact: '2'}, debug: {}}}`,
      expected: { prefix: '/', caseSensitive: true, queryParameters: [{ name: 'debug', presentMatch: true }, { name: 'v', stringMatch: { exact: '2' } }] },
    },
  ];
  it.each(table)('$name', ({ match, expected }) => {
    const out = routes(reviewsVs(`[{match: [${match}], ${dest}}]`));
    expect(out[0].match).toEqual(expected);
  });

  it('names routes http.name, or http.name.match.name', () => {
    const out = routes(reviewsVs(`[{name: r1, match: [{name: m1, uri: {prefix: /a}}, {uri: {prefix: /b}}], ${dest}}, {${dest}}]`));
    expect(out.map((r) => r.name)).toEqual(['r1.m1', 'r1', undefined]);
  });

  it('stat_prefix comes from the match', () => {
    const out = routes(reviewsVs(`[{match: [{uri: {prefix: /a}, statPrefix: reviews-a}], ${dest}}]`));
    expect(out[0].statPrefix).toBe('reviews-a');
  });

  it('decorates with the path: exact path, prefix*, regex', () => {
    const out = routes(reviewsVs(`[{match: [{uri: {exact: /p}}, {uri: {prefix: /s}}, {uri: {regex: '/r.*'}}], ${dest}}]`));
    expect(out.map((r) => r.decorator.operation)).toEqual([`${REVIEWS}:9080/p`, `${REVIEWS}:9080/s*`, `${REVIEWS}:9080/r.*`]);
  });
});

describe('buildHttpRoutes: static predicates and catch-all', () => {
  const dest = (subset: string): string => `route: [{destination: {host: reviews, subset: ${subset}}}]`;
  const subsets = (out: any[]): string[] => out.map((r) => r.route.cluster.split('|')[2]);

  it('skips matches for another port, other source labels or another source namespace', () => {
    const vs = reviewsVs(`[
      {match: [{port: 9999}], ${dest('v1')}},
      {match: [{sourceLabels: {app: productpage}}], ${dest('v2')}},
      {match: [{sourceNamespace: other}], ${dest('v3')}},
      {${dest('v1')}}]`);
    expect(subsets(routes(vs))).toEqual(['v1']);
    expect(subsets(routes(vs, { proxy: sidecarProxy('default', { app: 'productpage', version: 'v1' }) }))).toEqual(['v2']);
    expect(subsets(routes(vs, { proxy: sidecarProxy('other') }))).toEqual(['v3']);
  });

  it('evaluates match gateways (resolved in the VirtualService namespace) instead of source labels', () => {
    const vs = reviewsVs(`[
      {match: [{gateways: [mesh], sourceLabels: {app: nobody}}], ${dest('v1')}},
      {match: [{gateways: [bookinfo-gateway]}], ${dest('v2')}},
      {${dest('v3')}}]`, '  gateways: [mesh, bookinfo-gateway]\n');
    expect(subsets(routes(vs))).toEqual(['v1']);
    expect(subsets(routes(vs, { gateway: 'default/bookinfo-gateway', port: 8080 }))).toEqual(['v2']);
  });

  it('returns nothing for a gateway the VirtualService is not bound to', () => {
    expect(routes(reviewsVs(`[{${dest('v1')}}]`), { gateway: 'default/bookinfo-gateway' })).toEqual([]);
  });

  it('stops after the first catch-all match (prefix /, regex .*), within and across http entries', () => {
    expect(subsets(routes(reviewsVs(`[{match: [{uri: {prefix: /a}}, {uri: {prefix: /}}, {uri: {prefix: /b}}], ${dest('v1')}}, {${dest('v2')}}]`)))).toEqual(['v1', 'v1']);
    expect(subsets(routes(reviewsVs(`[{match: [{uri: {regex: '.*'}}], ${dest('v1')}}, {${dest('v2')}}]`)))).toEqual(['v1']);
    expect(subsets(routes(reviewsVs(`[{${dest('v1')}}, {${dest('v2')}}]`)))).toEqual(['v1']);
    // A catch-all URI with a header match is not a catch-all.
    expect(subsets(routes(reviewsVs(`[{match: [{headers: {x: {exact: y}}}], ${dest('v1')}}, {${dest('v2')}}]`)))).toEqual(['v1', 'v2']);
  });

  it('gives gRPC clients no query-parameter routes (gRFC A28: they never match)', () => {
    const vs = reviewsVs(`[{match: [{queryParams: {v: {exact: '2'}}}], ${dest('v2')}}, {${dest('v1')}}]`);
    expect(subsets(routes(vs, { grpc: true }))).toEqual(['v1']);
    expect(subsets(routes(vs))).toEqual(['v2', 'v1']);
  });

  it('skips JWT-claim matches it cannot express, and says so', () => {
    const vs = reviewsVs(`[{match: [{headers: {'@request.auth.claims.group': {exact: admin}}}], ${dest('v2')}}, {${dest('v1')}}]`, '  gateways: [bookinfo-gateway]\n');
    const w = routeWorld([...bookinfo, vs]);
    const problems: string[] = [];
    const out = buildHttpRoutes({ push: w.push, proxy: sidecarProxy(), vs: w.vs('reviews'), gateway: 'default/bookinfo-gateway', port: 80, grpc: false, onProblem: (p) => problems.push(p) });
    expect(subsets(routesJson(out) as any[])).toEqual(['v1']);
    expect(problems).toEqual([expect.stringContaining('VirtualService default/reviews http[0].match.headers: @request.auth.claims')]);
  });
});
