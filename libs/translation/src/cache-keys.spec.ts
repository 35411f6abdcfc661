import * as path from 'node:path';
import { createConfigSnapshot, loadYaml, type ConfigObject } from '@minipilot/config';
import { buildPushContext } from './model/push-context.js';
import { outboundClusterRefs } from './generators/outbound-cluster-refs.js';
import { loadAssignmentKey, outboundClusterKey, sniffedListenerKey, virtualHostKey, type ResourceMemo } from './cache-keys.js';
import { buildSidecarRoutes } from './generators/sidecar-routes.js';
import { proxyKeys } from './view-key.js';
import { parseProxy } from './proxy.js';
import { loadObjects, REPO_ROOT } from './testing/lab-config.js';

// The sharing rule, tested on the keys themselves: a key holds exactly what its resource depends on.

const lab = loadObjects(path.join(REPO_ROOT, 'apps/discovery/lab'));
const sidecar = (pod: string, labels: Record<string, string>, meta: Record<string, string> = {}) =>
  parseProxy({ id: `sidecar~10.9.0.${Object.keys(labels).length + 1}~${pod}.default~default.svc.cluster.local`, metadata: { ISTIO_VERSION: '1.28.0', LABELS: labels, ...meta } });
const pushOf = (objects: readonly ConfigObject[]) => buildPushContext(createConfigSnapshot(objects));
const canaryRule = loadYaml(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews-canary, namespace: default}
spec: {host: reviews, workloadSelector: {matchLabels: {role: canary}}, trafficPolicy: {loadBalancer: {simple: RANDOM}}}`).objects;

function keysFor(proxy: ReturnType<typeof sidecar>, push: ReturnType<typeof pushOf>) {
  const view = proxyKeys(proxy, push).proxy;
  const refs = outboundClusterRefs(view, push);
  const svc = push.serviceByHostname('reviews.default.svc.cluster.local')!;
  return {
    clusters: new Map(refs.map((r) => [r.name, outboundClusterKey(r, view, push)])),
    claims: new Map(refs.map((r) => [r.name, loadAssignmentKey(r, push)])),
    reviewsHost: virtualHostKey(view, push, svc, 9080, undefined),
  };
}

describe('cache keys', () => {
  it('are equal for proxies whose labels no selector reads, and for replicas of any labels', () => {
    const push = pushOf(lab);
    const a = keysFor(sidecar('a-0', { app: 'a', team: 'x' }), push);
    const b = keysFor(sidecar('b-0', { app: 'b' }), push);
    expect(a.clusters.size).toBeGreaterThan(5);
    expect([...a.clusters]).toEqual([...b.clusters]);
    expect(a.reviewsHost).toBe(b.reviewsHost);
    expect(proxyKeys(sidecar('a-0', { app: 'a' }), push).scope).toBe(proxyKeys(sidecar('b-0', { app: 'b' }), push).scope);
  });

  it('follow a DestinationRule selected by the labels only where it applies', () => {
    const push = pushOf([...lab, ...canaryRule]);
    const plain = keysFor(sidecar('a-0', { app: 'a' }), push);
    const canary = keysFor(sidecar('c-0', { app: 'c', role: 'canary' }), push);
    const reviews = 'outbound|9080||reviews.default.svc.cluster.local';
    expect(canary.clusters.get(reviews)).not.toBe(plain.clusters.get(reviews));
    const ratings = 'outbound|9080||ratings.default.svc.cluster.local';
    expect(canary.clusters.get(ratings)).toBe(plain.clusters.get(ratings));
    expect(canary.reviewsHost).not.toBe(plain.reviewsHost);
  });

  it('tell the proxy class apart: stock Envoy and istio-proxy get different clusters', () => {
    const push = pushOf(lab);
    const istio = keysFor(sidecar('a-0', { app: 'a' }), push);
    const stock = keysFor(parseProxy({ id: 'sidecar~10.9.0.2~a-0.default~default.svc.cluster.local' }), push);
    const reviews = 'outbound|9080||reviews.default.svc.cluster.local';
    expect(stock.clusters.get(reviews)).not.toBe(istio.clusters.get(reviews));
  });

  it('change for load assignments, not clusters, when only endpoints change', () => {
    const before = pushOf(lab);
    // ratings' only endpoint turns not ready: its load assignment changes, its cluster does not.
    const moved = lab.map((o) => (o.kind === 'EndpointSlice' && o.metadata.name === 'ratings-abc12'
      ? { ...o, body: JSON.parse(JSON.stringify(o.body).replace('"ready":true', '"ready":false')) } as ConfigObject
      : o));
    const after = pushOf(moved);
    const p = sidecar('a-0', { app: 'a' });
    const k0 = keysFor(p, before);
    const k1 = keysFor(p, after);
    const ratings = 'outbound|9080||ratings.default.svc.cluster.local';
    expect(k1.claims.get(ratings)).not.toBe(k0.claims.get(ratings));
    expect(k1.clusters.get(ratings)).toBe(k0.clusters.get(ratings));
    const reviews = 'outbound|9080||reviews.default.svc.cluster.local';
    expect(k1.claims.get(reviews)).toBe(k0.claims.get(reviews));
  });

  it('of route configuration "80" follow VirtualServices for hosts that are no service on the port, and are shared by unrelated proxies', () => {
    // httproute.go: on port 80 every VirtualService's non-service hosts become virtual hosts; their keys enter the route configuration's.
    const rdsKeys = (proxy: ReturnType<typeof sidecar>, push: ReturnType<typeof pushOf>): string[] => {
      const keys: string[] = [];
      const memo: ResourceMemo = (key, build) => { keys.push(key); return build(); };
      buildSidecarRoutes(proxyKeys(proxy, push).proxy, push, () => {}, memo);
      return keys.filter((k) => k.startsWith('rds|80|'));
    };
    const external = loadYaml(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: external, namespace: default}
spec: {hosts: [api.example.org], http: [{route: [{destination: {host: api.example.org}}]}]}`).objects;
    const before = pushOf(lab);
    const after = pushOf([...lab, ...external]);
    const a = sidecar('a-0', { app: 'a' });
    expect(rdsKeys(a, before)).toHaveLength(1);
    expect(rdsKeys(a, after)).toHaveLength(1);
    expect(rdsKeys(a, after)).not.toEqual(rdsKeys(a, before));
    expect(rdsKeys(sidecar('b-0', { app: 'b', team: 'y' }), after)).toEqual(rdsKeys(a, after));
  });

  it('of a sniffed listener follow the service\'s DestinationRule and IDLE_TIMEOUT, and are not made when a tcp VirtualService routes it', () => {
    const entry = loadYaml(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: cache, namespace: default}
spec: {hosts: [cache.example.com], resolution: DNS, ports: [{name: auto, number: 7000}]}`).objects;
    const rule = loadYaml(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: cache, namespace: default}
spec: {host: cache.example.com, trafficPolicy: {connectionPool: {tcp: {idleTimeout: 5m}}}}`).objects;
    const tcpRoute = loadYaml(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: cache, namespace: default}
spec: {hosts: [cache.example.com], tcp: [{route: [{destination: {host: other.example.com}}]}]}`).objects;
    const key = (proxy: ReturnType<typeof sidecar>, objects: readonly ConfigObject[]) => {
      const push = pushOf([...lab, ...objects]);
      return sniffedListenerKey(proxyKeys(proxy, push).proxy, push, push.serviceByHostname('cache.example.com')!, '0.0.0.0_7000');
    };
    const a = sidecar('a-0', { app: 'a' });
    expect(key(a, entry)).toBeDefined();
    expect(key(sidecar('b-0', { app: 'b' }), entry)).toBe(key(a, entry));
    expect(key(a, [...entry, ...rule])).not.toBe(key(a, entry));
    expect(key(sidecar('a-0', { app: 'a' }, { IDLE_TIMEOUT: '30s' }), entry)).not.toBe(key(a, entry));
    expect(key(a, [...entry, ...tcpRoute])).toBeUndefined();
  });
});
