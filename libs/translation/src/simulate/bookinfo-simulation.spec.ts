import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadYaml, parseMeshConfig, type ConfigObject } from '@minipilot/config';
import { simulate } from '../translate.js';
import type { SimulationRequest } from './request.js';
import type { ProxyNodeInput } from '../proxy.js';

// The Istio traffic-management tutorials, stated as requests against the embedded bookinfo lab and
// Istio's own sample files, through the full pipeline (translate → simulate), as a sidecar or the
// ingress gateway would see them. Expected names are istiod's (research note §1, §6, §12).
const repo = path.resolve(__dirname, '../../../..');
const labDir = path.join(repo, 'apps/discovery/lab');
const samplesDir = path.resolve(repo, '../shared/samples');

function read(file: string): ConfigObject[] {
  const r = loadYaml(fs.readFileSync(file, 'utf8'), path.basename(file));
  expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return [...r.objects];
}
const lab = (): ConfigObject[] => fs.readdirSync(labDir).filter((f) => f.endsWith('.yaml')).sort().flatMap((f) => read(path.join(labDir, f)));
const sample = (name: string): ConfigObject[] => read(path.join(samplesDir, `samples_${name}.yaml`));
/** The lab with `overrides` taking the place of lab objects of the same kind/namespace/name (the first object of a key wins). */
const world = (...overrides: ConfigObject[][]): ConfigObject[] => [...overrides.flat(), ...lab()];

const productpage: ProxyNodeInput = { id: 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local' };
const ingress: ProxyNodeInput = { id: 'router~10.244.0.2~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local', labels: { istio: 'ingressgateway' } };
const REVIEWS = (subset: string): string => `outbound|9080|${subset}|reviews.default.svc.cluster.local`;
const RATINGS = (subset: string): string => `outbound|9080|${subset}|ratings.default.svc.cluster.local`;
const get = (host: string, headers: Record<string, string> = {}, extra: Partial<SimulationRequest> = {}): SimulationRequest => {
  const [h, port] = host.split(':');
  return { host: h!, port: Number(port ?? 80), path: '/', method: 'GET', headers, ...extra };
};

describe('bookinfo from productpage (sidecar outbound)', () => {
  it('GET reviews:9080/ with all-v1 → outbound|9080|v1|reviews, through istiod\'s listener, RDS and vhost names', () => {
    expect(simulate(world(sample('bookinfo_networking__virtual-service-all-v1')), productpage, get('reviews:9080'))).toEqual({
      listener: '0.0.0.0_9080', routeConfig: '9080', virtualHost: 'reviews.default.svc.cluster.local:9080', match: '/*', virtualService: 'default/reviews', cluster: REVIEWS('v1'),
    });
  });

  it('every short and long name of the host reaches the same virtual host', () => {
    for (const host of ['reviews', 'reviews.default', 'reviews.default.svc', 'reviews.default.svc.cluster.local', '10.96.10.13']) {
      expect(simulate(world(), productpage, get(`${host}:9080`)).virtualHost).toBe('reviews.default.svc.cluster.local:9080');
    }
  });

  it('GET reviews:9080/ with end-user: jason from productpage → outbound|9080|v2|reviews (reviews-test-v2); others → v1', () => {
    const objs = world(sample('bookinfo_networking__virtual-service-reviews-test-v2'));
    expect(simulate(objs, productpage, get('reviews:9080', { 'end-user': 'jason' })).cluster).toBe(REVIEWS('v2'));
    expect(simulate(objs, productpage, get('reviews:9080', { 'end-user': 'bob' })).cluster).toBe(REVIEWS('v1'));
    expect(simulate(objs, productpage, get('reviews:9080')).cluster).toBe(REVIEWS('v1'));
  });

  it('reviews-jason-v2-v3: jason → v2, everyone else → v3', () => {
    const objs = world(sample('bookinfo_networking__virtual-service-reviews-jason-v2-v3'));
    expect(simulate(objs, productpage, get('reviews:9080', { 'end-user': 'jason' })).cluster).toBe(REVIEWS('v2'));
    expect(simulate(objs, productpage, get('reviews:9080')).cluster).toBe(REVIEWS('v3'));
  });

  it('reviews-50-v3: a weighted route lists both candidates and no single cluster', () => {
    const r = simulate(world(sample('bookinfo_networking__virtual-service-reviews-50-v3')), productpage, get('reviews:9080'));
    expect(r.cluster).toBeUndefined();
    expect(r.clusters).toEqual([{ name: REVIEWS('v1'), weight: 50 }, { name: REVIEWS('v3'), weight: 50 }]);
  });

  it('ratings fault injection (abort and delay) keeps jason on ratings v1', () => {
    for (const file of ['bookinfo_networking__virtual-service-ratings-test-abort', 'bookinfo_networking__virtual-service-ratings-test-delay']) {
      const objs = world(sample(file));
      expect(simulate(objs, productpage, get('ratings:9080', { 'end-user': 'jason' })).cluster).toBe(RATINGS('v1'));
      expect(simulate(objs, productpage, get('ratings:9080')).cluster).toBe(RATINGS('v1'));
    }
  });

  it('a service without a VirtualService gets the default route to its plain cluster', () => {
    const noVs = lab().filter((o) => !(o.kind === 'VirtualService' && o.metadata.name === 'details'));
    expect(simulate(noVs, productpage, get('details:9080'))).toMatchObject({ virtualHost: 'details.default.svc.cluster.local:9080', route: 'default', cluster: 'outbound|9080||details.default.svc.cluster.local' });
  });

  it('unknown hosts: allow_any → PassthroughCluster; REGISTRY_ONLY → block_all (no cluster) and BlackHoleCluster for TCP', () => {
    expect(simulate(world(), productpage, get('unknown.example.com:9080'))).toMatchObject({ listener: '0.0.0.0_9080', virtualHost: 'allow_any', cluster: 'PassthroughCluster' });
    expect(simulate(world(), productpage, { address: '203.0.113.9', port: 5432, protocol: 'tcp' })).toEqual({ listener: 'virtualOutbound', filterChain: 'virtualOutbound-catchall-tcp', cluster: 'PassthroughCluster' });
    const mesh = parseMeshConfig('outboundTrafficPolicy: {mode: REGISTRY_ONLY}').mesh;
    const blocked = simulate(world(), productpage, get('unknown.example.com:9080'), { mesh });
    expect(blocked).toMatchObject({ listener: '0.0.0.0_9080', routeConfig: '9080', virtualHost: 'block_all' });
    expect(blocked.cluster).toBeUndefined();
    expect(simulate(world(), productpage, { address: '203.0.113.9', port: 5432, protocol: 'tcp' }, { mesh })).toEqual({ listener: 'virtualOutbound', filterChain: 'virtualOutbound-catchall-tcp', cluster: 'BlackHoleCluster' });
  });

  it('the httpbin.org ServiceEntry is reachable on port 80 under REGISTRY_ONLY', () => {
    const mesh = parseMeshConfig('outboundTrafficPolicy: {mode: REGISTRY_ONLY}').mesh;
    expect(simulate(world(), productpage, get('httpbin.org:80'), { mesh })).toMatchObject({
      listener: '0.0.0.0_80', routeConfig: '80', virtualHost: 'httpbin.org:80', cluster: 'outbound|80||httpbin.org',
    });
  });

  it('inbound: plaintext to productpage:9080 lands on inbound|9080||', () => {
    expect(simulate(world(), productpage, { mode: 'inbound', address: '10.244.0.10', port: 9080, host: 'productpage:9080' })).toMatchObject({
      listener: 'virtualInbound', filterChain: '0.0.0.0_9080', cluster: 'inbound|9080||',
    });
  });
});

describe('bookinfo and httpbin through the ingress gateway', () => {
  it('GET /productpage on 8080 → outbound|9080||productpage; other paths → no route', () => {
    const objs = world(sample('bookinfo_networking__bookinfo-gateway'));
    expect(simulate(objs, ingress, get('bookinfo.example.com:8080', {}, { path: '/productpage' }))).toEqual({
      listener: '0.0.0.0_8080', routeConfig: 'http.8080', virtualHost: '*:8080', match: '/productpage', virtualService: 'default/bookinfo', cluster: 'outbound|9080||productpage.default.svc.cluster.local',
    });
    expect(simulate(objs, ingress, get('bookinfo.example.com:8080', {}, { path: '/static/img.png' })).cluster).toBe('outbound|9080||productpage.default.svc.cluster.local');
    expect(simulate(objs, ingress, get('bookinfo.example.com:8080', {}, { path: '/admin' })).error).toBe('no route');
  });

  it('httpbin-gateway: a server on port 80 is served on the target port 8080 with vhost *:80', () => {
    const objs = [...sample('httpbin__httpbin-gateway'), ...sample('httpbin__httpbin'), ...lab().filter((o) => o.kind !== 'Gateway' && !(o.kind === 'VirtualService' && o.metadata.name === 'bookinfo'))];
    expect(simulate(objs, ingress, get('httpbin.example.com:8080', {}, { path: '/status/200' }))).toEqual({
      listener: '0.0.0.0_8080', routeConfig: 'http.8080', virtualHost: '*:80', match: '/*', virtualService: 'default/httpbin', cluster: 'outbound|8000||httpbin.default.svc.cluster.local',
    });
  });
});
