import { labPush } from '../testing/lab-config.js';

// istiod's DestinationRule lookup (istio-translation.md §3.2).
const dr = (ns: string, name: string, spec: string) => `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}, namespace: ${ns}}
spec: ${spec}
`;
const REVIEWS = 'reviews.default.svc.cluster.local';
const names = (r: { configs: readonly { metadata: { namespace: string; name: string } }[] } | undefined) => r?.configs.map((c) => `${c.metadata.namespace}/${c.metadata.name}`);

describe('destinationRule lookup', () => {
  const services = `apiVersion: v1
kind: Service
metadata: {name: mongo, namespace: default}
spec: {clusterIP: 10.96.40.1, ports: [{name: mongo, port: 27017}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {clusterIP: 10.96.40.2, ports: [{name: http, port: 80}]}
`;
  const push = labPush(services + [
    dr('default', 'reviews', '{host: reviews, subsets: [{name: v1, labels: {version: v1}}]}'),
    dr('default', 'reviews-extra', '{host: reviews, trafficPolicy: {loadBalancer: {simple: RANDOM}}, subsets: [{name: v1, labels: {version: x}}, {name: v9, labels: {version: v9}}]}'),
    dr('default', 'all-local', '{host: "*.local", trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}}'),
    dr('shop', 'reviews-from-shop', '{host: reviews.default.svc.cluster.local, trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}}'),
    dr('default', 'private', '{host: mongo, exportTo: ["."]}'),
    dr('istio-system', 'mesh-default', '{host: "*.local", trafficPolicy: {tls: {mode: DISABLE}}}'),
    dr('default', 'canary-only', '{host: reviews, workloadSelector: {labels: {app: canary}}, trafficPolicy: {loadBalancer: {simple: RANDOM}}}'),
  ].join(''));

  it('merges the most specific rules of the proxy namespace: subsets concatenated (first name wins), first policy', () => {
    const r = push.destinationRule('default', REVIEWS)!;
    expect(names(r)).toEqual(['default/reviews', 'default/reviews-extra']);
    expect(r.subsets.map((s) => [s.name, s.labels])).toEqual([['v1', { version: 'v1' }], ['v9', { version: 'v9' }]]);
    expect(r.trafficPolicy).toEqual({ loadBalancer: { simple: 'RANDOM' } });
    expect(r.workloadSelector).toBe(false);
  });

  it('looks in the proxy namespace first, then the service namespace (exported rules), then the root namespace', () => {
    expect(names(push.destinationRule('shop', REVIEWS))).toEqual(['shop/reviews-from-shop']);
    expect(names(push.destinationRule('other', REVIEWS))).toEqual(['default/reviews', 'default/reviews-extra']);
    // default/private is not exported; the exported wildcard of the service namespace still applies.
    expect(names(push.destinationRule('other', 'mongo.default.svc.cluster.local'))).toEqual(['default/all-local']);
    expect(names(push.destinationRule('other', 'legacy.shop.svc.cluster.local'))).toEqual(['istio-system/mesh-default']);
    expect(names(push.destinationRule('default', 'mongo.default.svc.cluster.local'))).toEqual(['default/private']);
  });

  it('uses wildcard hosts when nothing more specific exists', () => {
    expect(names(push.destinationRule('default', 'web.default.svc.cluster.local'))).toEqual(['default/all-local']);
  });

  it('prefers a rule whose workloadSelector matches the proxy, only for that workload', () => {
    const r = push.destinationRule('default', REVIEWS, { app: 'canary' })!;
    expect(names(r)).toEqual(['default/canary-only']);
    expect(r.workloadSelector).toBe(true);
    expect(names(push.destinationRule('default', REVIEWS, { app: 'productpage' }))).toEqual(['default/reviews', 'default/reviews-extra']);
    expect(names(push.destinationRule('shop', REVIEWS, { app: 'canary' }))).toEqual(['shop/reviews-from-shop']);
  });
});
