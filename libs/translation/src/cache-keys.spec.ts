import * as path from 'node:path';
import { createConfigSnapshot, loadYaml, type ConfigObject } from '@minipilot/config';
import { buildPushContext } from './model/push-context.js';
import { outboundClusterRefs } from './generators/outbound-cluster-refs.js';
import { loadAssignmentKey, outboundClusterKey, virtualHostKey } from './cache-keys.js';
import { proxyKeys } from './view-key.js';
import { parseProxy } from './proxy.js';
import { virtualServiceForHost } from './generators/virtual-service-for-host.js';
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

  it('follow a root VirtualService\'s delegates: a delegate edit changes the root\'s virtual host key, not other hosts\'', () => {
    const doc = (jasonTo: string) => loadYaml(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http: [{match: [{uri: {prefix: /}}], delegate: {name: reviews-delegate}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews-delegate, namespace: default}
spec:
  http:
  - match: [{headers: {end-user: {exact: jason}}}]
    route: [{destination: {host: reviews, subset: ${jasonTo}}}]
  - route: [{destination: {host: reviews, subset: v1}}]
`).objects;
    const root = doc('v2').filter((o) => o.metadata.name === 'reviews');
    const base = lab.filter((o) => !(o.kind === 'VirtualService' && o.metadata.name === 'reviews'));
    const hostKey = (objects: readonly ConfigObject[], host: string) => {
      const push = pushOf(objects);
      const view = proxyKeys(sidecar('a-0', { app: 'a' }), push).proxy;
      const svc = push.serviceByHostname(host)!;
      return virtualHostKey(view, push, svc, 9080, virtualServiceForHost(view, push, host));
    };
    const v2 = [...base, ...doc('v2')];
    const v3 = [...base, ...root, ...doc('v3').filter((o) => o.metadata.name === 'reviews-delegate')];
    const reviews = 'reviews.default.svc.cluster.local';
    // The root object is the same instance in both pushes: only the delegate changed.
    expect(hostKey(v3, reviews)).not.toBe(hostKey([...base, ...root, ...doc('v2').filter((o) => o.metadata.name === 'reviews-delegate')], reviews));
    // A missing delegate (the root route dropped) keys differently from a merged one.
    expect(hostKey([...base, ...root], reviews)).not.toBe(hostKey(v3, reviews));
    // Other hosts keep their keys across the delegate edit.
    const ratings = 'ratings.default.svc.cluster.local';
    expect(hostKey(v3, ratings)).toBe(hostKey(v2, ratings));
  });
});
