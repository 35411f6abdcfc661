import * as path from 'node:path';
import { createConfigSnapshot, loadYaml, withMeshDefaults, type ConfigObject, type MeshConfig } from '@minipilot/config';
import { buildPushContext } from './model/push-context.js';
import { outboundClusterRefs } from './generators/outbound-cluster-refs.js';
import { loadAssignmentKey, nameTableKey, outboundClusterKey, sniffedListenerKey, virtualHostKey, workloadResourcesKey, type ResourceMemo } from './cache-keys.js';
import { buildSidecarRoutes } from './generators/sidecar-routes.js';
import { proxyKeys } from './view-key.js';
import { parseProxy } from './proxy.js';
import { virtualServiceForHost } from './generators/virtual-service-for-host.js';
import { loadObjects, REPO_ROOT } from './testing/lab-config.js';

// The sharing rule, tested on the keys themselves: a key holds exactly what its resource depends on.

const lab = loadObjects(path.join(REPO_ROOT, 'apps/discovery/lab'));
const sidecar = (pod: string, labels: Record<string, string>, meta: Record<string, string> = {}) =>
  parseProxy({ id: `sidecar~10.9.0.${Object.keys(labels).length + 1}~${pod}.default~default.svc.cluster.local`, metadata: { ISTIO_VERSION: '1.28.0', LABELS: labels, ...meta } });
const pushOf = (objects: readonly ConfigObject[], mesh?: MeshConfig) => buildPushContext(createConfigSnapshot(objects), mesh);
/** A sidecar at `locality` (Envoy node.locality) with `labels`. */
const at = (pod: string, locality: string, labels: Record<string, string> = { app: 'client' }) => {
  const [region = '', zone = '', subZone = ''] = locality.split('/');
  return parseProxy({ id: `sidecar~10.9.1.1~${pod}.default~default.svc.cluster.local`, metadata: { ISTIO_VERSION: '1.28.0', LABELS: labels }, locality: { region, zone, subZone } });
};
const reviewsRule = (trafficPolicy: string) => loadYaml(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews-locality, namespace: default}
spec: {host: reviews, trafficPolicy: ${trafficPolicy}}`).objects;
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
    claims: new Map(refs.map((r) => [r.name, loadAssignmentKey(r, push, view)])),
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

  describe('locality load balancing', () => {
    const REVIEWS = 'outbound|9080||reviews.default.svc.cluster.local';
    const RATINGS = 'outbound|9080||ratings.default.svc.cluster.local';

    it('leaves the locality out of every key when no DestinationRule makes endpoints depend on it', () => {
      const push = pushOf(lab);
      const east = keysFor(at('a-0', 'us-east/zone-a'), push);
      const west = keysFor(at('b-0', 'us-west/zone-b'), push);
      expect([...east.claims]).toEqual([...west.claims]);
      expect([...east.clusters]).toEqual([...west.clusters]);
      expect(proxyKeys(at('a-0', 'us-east/zone-a'), push).scope).toBe(proxyKeys(at('b-0', 'us-west/zone-b'), push).scope);
    });

    it('adds it to the load assignment of a cluster with outlier detection only (failover), and to the scope key', () => {
      const push = pushOf([...lab, ...reviewsRule('{outlierDetection: {consecutive5xxErrors: 3}}')]);
      const east = keysFor(at('a-0', 'us-east/zone-a'), push);
      const west = keysFor(at('b-0', 'us-west/zone-b'), push);
      expect(east.claims.get(REVIEWS)).not.toBe(west.claims.get(REVIEWS));
      expect(east.claims.get(RATINGS)).toBe(west.claims.get(RATINGS));
      // EDS clusters do not carry endpoints: their keys stay shared.
      expect(east.clusters.get(REVIEWS)).toBe(west.clusters.get(REVIEWS));
      expect(proxyKeys(at('a-0', 'us-east/zone-a'), push).scope).not.toBe(proxyKeys(at('b-0', 'us-west/zone-b'), push).scope);
      // Two proxies in one locality still share everything.
      expect([...keysFor(at('c-0', 'us-east/zone-a', { app: 'other' }), push).claims]).toEqual([...east.claims]);
    });

    it('follows the DestinationRule and the mesh localityLbSetting where they change endpoints, not other fields', () => {
      const proxy = at('a-0', 'us-east/zone-a');
      const base = keysFor(proxy, pushOf(lab)).claims.get(REVIEWS);
      const outlier = [...lab, ...reviewsRule('{outlierDetection: {}}')];
      const withOutlier = keysFor(proxy, pushOf(outlier)).claims.get(REVIEWS);
      expect(withOutlier).not.toBe(base);
      // A DestinationRule field EDS does not read keeps the key.
      expect(keysFor(proxy, pushOf([...lab, ...reviewsRule('{loadBalancer: {simple: RANDOM}}')])).claims.get(REVIEWS)).toBe(base);
      // Mesh locality settings: disabling it removes the failover; a failover rule changes the plan.
      expect(keysFor(proxy, pushOf(outlier, withMeshDefaults({ localityLbSetting: { enabled: false } }))).claims.get(REVIEWS)).toBe(base);
      expect(keysFor(proxy, pushOf(outlier, withMeshDefaults({ localityLbSetting: { failover: [{ from: 'us-east', to: 'us-west' }] } }))).claims.get(REVIEWS)).not.toBe(withOutlier);
      expect(keysFor(proxy, pushOf(outlier, withMeshDefaults({ connectTimeout: '3s' }))).claims.get(REVIEWS)).toBe(withOutlier);
    });

    it('holds the proxy\'s values of the failoverPriority labels, so proxies that differ only there do not share', () => {
      const push = pushOf([...lab, ...reviewsRule('{outlierDetection: {}, loadBalancer: {localityLbSetting: {failoverPriority: [tier]}}}')]);
      const gold = keysFor(at('a-0', 'us-east/zone-a', { app: 'client', tier: 'gold' }), push);
      const silver = keysFor(at('b-0', 'us-east/zone-a', { app: 'client', tier: 'silver' }), push);
      expect(gold.claims.get(REVIEWS)).not.toBe(silver.claims.get(REVIEWS));
      expect(gold.claims.get(RATINGS)).toBe(silver.claims.get(RATINGS));
      expect(proxyKeys(at('a-0', 'us-east/zone-a', { app: 'client', tier: 'gold' }), push).scope)
        .not.toBe(proxyKeys(at('b-0', 'us-east/zone-a', { app: 'client', tier: 'silver' }), push).scope);
    });

    it('adds it to the key of a DNS cluster, whose load assignment is inline', () => {
      const se = loadYaml(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext, namespace: default}
spec: {hosts: [ext.example.org], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS, endpoints: [{address: a.example.org, locality: us-east/zone-a}, {address: b.example.org, locality: us-west/zone-b}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ext, namespace: default}
spec: {host: ext.example.org, trafficPolicy: {outlierDetection: {}}}`).objects;
      const push = pushOf([...lab, ...se]);
      const key = (p: ReturnType<typeof at>) => {
        const view = proxyKeys(p, push).proxy;
        const ref = outboundClusterRefs(view, push).find((r) => r.name === 'outbound|80||ext.example.org')!;
        return outboundClusterKey(ref, view, push);
      };
      expect(key(at('a-0', 'us-east/zone-a'))).not.toBe(key(at('b-0', 'us-west/zone-b')));
      expect(key(at('a-0', 'us-east/zone-a'))).toBe(key(at('c-0', 'us-east/zone-a', { app: 'other' })));
    });
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

  it('of the NDS name table follow the visible services and headless endpoints only, and are shared across namespaces that see the same', () => {
    const db = loadYaml(`apiVersion: v1
kind: Service
metadata: {name: db, namespace: default}
spec: {clusterIP: None, ports: [{name: tcp, port: 5432}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: db-1, namespace: default, labels: {kubernetes.io/service-name: db}}
addressType: IPv4
ports: [{name: tcp, port: 5432}]
endpoints: [{addresses: [10.244.9.1], conditions: {ready: true}}]`).objects;
    const key = (ns: string, objects: readonly ConfigObject[]) => nameTableKey({ namespace: ns }, pushOf([...lab, ...objects]));
    const base = key('default', db);
    expect(key('other', db)).toBe(base); // same visible services, one shared table
    expect(key('default', [...db, ...reviewsRule('{loadBalancer: {simple: RANDOM}}')])).toBe(base); // DestinationRules are no NDS input (nds.go)
    expect(key('default', db.map((o) => (o.kind === 'EndpointSlice' ? { ...o, body: { ...o.body, endpoints: [{ addresses: ['10.244.9.2'], conditions: { ready: true } }] } } : o)))).not.toBe(base);
    const privateSvc = [...db, ...loadYaml(`apiVersion: v1
kind: Service
metadata: {name: local, namespace: default, annotations: {networking.istio.io/exportTo: '.'}}
spec: {clusterIP: 10.96.9.9, ports: [{port: 80}]}`).objects];
    expect(key('default', privateSvc)).not.toBe(base);
    expect(key('other', privateSvc)).toBe(base); // not visible from 'other'
  });
});
