import * as path from 'node:path';
import { createConfigSnapshot, loadYaml, type ConfigObject } from '@minipilot/config';
import { buildPushContext } from './model/push-context.js';
import { outboundClusterRefs } from './generators/outbound-cluster-refs.js';
import { aliasVirtualHostKey, loadAssignmentKey, outboundClusterKey, virtualHostKey } from './cache-keys.js';
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

  it('follow the ExternalName aliases of a service (extra domains), and only of that service', () => {
    const alias = loadYaml(`apiVersion: v1
kind: Service
metadata: {name: critics, namespace: default}
spec: {type: ExternalName, externalName: reviews.default.svc.cluster.local}`).objects;
    const before = pushOf(lab);
    const after = pushOf([...lab, ...alias]);
    const a = sidecar('a-0', { app: 'a' });
    const b = sidecar('b-0', { app: 'b' });
    expect(keysFor(a, after).reviewsHost).not.toBe(keysFor(a, before).reviewsHost);
    expect(keysFor(a, after).reviewsHost).toBe(keysFor(b, after).reviewsHost);
    const ratingsKey = (push: ReturnType<typeof pushOf>) => virtualHostKey(proxyKeys(a, push).proxy, push, push.serviceByHostname('ratings.default.svc.cluster.local')!, 9080, undefined);
    expect(ratingsKey(after)).toBe(ratingsKey(before));
  });

  it('give the virtual host of a VirtualService on an alias host a key that follows the VirtualService', () => {
    const vs = (prefix: string) => loadYaml(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: critics, namespace: default}
spec:
  hosts: [critics.default.svc.cluster.local]
  http: [{match: [{uri: {prefix: ${prefix}}}], route: [{destination: {host: reviews}}]}]`).objects;
    const one = pushOf([...lab, ...vs('/one')]);
    const two = pushOf([...lab, ...vs('/two')]);
    const key = (push: ReturnType<typeof pushOf>, pod: string) =>
      aliasVirtualHostKey(proxyKeys(sidecar(pod, { app: pod }), push).proxy, push, 'critics.default.svc.cluster.local', 80, push.virtualServices.find((v) => v.config.metadata.name === 'critics')!);
    expect(key(one, 'a-0')).not.toBe(key(two, 'a-0'));
    expect(key(one, 'a-0')).toBe(key(one, 'b-0'));
  });
});
