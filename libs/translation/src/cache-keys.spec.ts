import * as path from 'node:path';
import { createConfigSnapshot, loadYaml, type ConfigObject } from '@minipilot/config';
import { buildPushContext } from './model/push-context.js';
import { outboundClusterRefs } from './generators/outbound-cluster-refs.js';
import { loadAssignmentKey, outboundClusterKey, virtualHostKey, workloadResourcesKey } from './cache-keys.js';
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

  describe('PeerAuthentication', () => {
    const peerAuth = (ns: string, spec: string): ConfigObject[] => [...loadYaml(`apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: pa-${ns}, namespace: ${ns}}
spec: ${spec}`).objects];
    // The lab's reviews pods with sidecars (security.istio.io/tlsMode: istio), so their endpoints are auto-mTLS candidates.
    const injected = lab.map((o) => (o.kind === 'Pod' && o.metadata.labels['app'] === 'reviews'
      ? { ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, 'security.istio.io/tlsMode': 'istio' } } } as ConfigObject
      : o));
    const reviews = 'outbound|9080||reviews.default.svc.cluster.local';
    const ratings = 'outbound|9080||ratings.default.svc.cluster.local';

    it('enter the workload key of the workloads they select, and only theirs', () => {
      const a = sidecar('a-0', { app: 'a' });
      const b = sidecar('b-0', { app: 'b' });
      const before = pushOf(lab);
      const after = pushOf([...lab, ...peerAuth('default', '{selector: {matchLabels: {app: a}}, mtls: {mode: STRICT}}')]);
      expect(workloadResourcesKey('listeners', a, after)).not.toBe(workloadResourcesKey('listeners', a, before));
      expect(workloadResourcesKey('listeners', b, after)).toBe(workloadResourcesKey('listeners', b, before));
      // Port-level modes count too; a policy whose composition is unchanged (PERMISSIVE is the default) does not.
      const portLevel = pushOf([...lab, ...peerAuth('default', '{selector: {matchLabels: {app: a}}, portLevelMtls: {9080: {mode: DISABLE}}}')]);
      expect(workloadResourcesKey('listeners', a, portLevel)).not.toBe(workloadResourcesKey('listeners', a, before));
      const permissive = pushOf([...lab, ...peerAuth('default', '{mtls: {mode: PERMISSIVE}}')]);
      expect(workloadResourcesKey('listeners', a, permissive)).toBe(workloadResourcesKey('listeners', a, before));
    });

    it('enter outbound cluster keys through the destination namespace mode (auto-mTLS), not from other namespaces', () => {
      const p = sidecar('a-0', { app: 'a' });
      const k0 = keysFor(p, pushOf(lab));
      const disabled = keysFor(p, pushOf([...lab, ...peerAuth('default', '{mtls: {mode: DISABLE}}')]));
      expect(disabled.clusters.get(reviews)).not.toBe(k0.clusters.get(reviews));
      const elsewhere = keysFor(p, pushOf([...lab, ...peerAuth('other', '{mtls: {mode: DISABLE}}')]));
      expect(elsewhere.clusters.get(reviews)).toBe(k0.clusters.get(reviews));
    });

    it('enter load assignment keys where they DISABLE mTLS on an endpoint with a sidecar', () => {
      const p = sidecar('a-0', { app: 'a' });
      const k0 = keysFor(p, pushOf(injected));
      const k1 = keysFor(p, pushOf([...injected, ...peerAuth('default', '{selector: {matchLabels: {app: reviews}}, mtls: {mode: DISABLE}}')]));
      expect(k1.claims.get(reviews)).not.toBe(k0.claims.get(reviews));
      expect(k1.claims.get(ratings)).toBe(k0.claims.get(ratings));
    });
  });
});
