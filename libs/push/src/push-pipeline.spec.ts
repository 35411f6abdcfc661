import { create } from '@bufbuild/protobuf';
import { coreV3, TypeUrl } from '@minipilot/envoy-api';
import type { XdsSnapshot } from '@minipilot/xds-server';
import { loadYaml } from '@minipilot/config';
import { createPushPipeline } from './push-pipeline.js';
import { delegation, pushOf, twoNamespaceConfig } from './testing/two-namespaces.js';

const node = (id: string, labels: Record<string, string> = {}): coreV3.Node =>
  create(coreV3.NodeSchema, { id, metadata: { ISTIO_VERSION: '1.28.0', LABELS: labels } });

/** Records every snapshot a watch receives. */
function recorder() {
  const got: XdsSnapshot[] = [];
  return { got, on: (s: XdsSnapshot) => got.push(s), last: () => got[got.length - 1]! };
}
const TYPES = [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration];
const changedTypes = (a: XdsSnapshot, b: XdsSnapshot): string[] => TYPES.filter((t) => a.version(t) !== b.version(t)).map((t) => t.slice(t.lastIndexOf('.') + 1));

describe('createPushPipeline', () => {
  it('shares the scope part among distinct workloads that no selector tells apart, and gives each served workload its own inbound part', () => {
    const pipeline = createPushPipeline(pushOf(twoNamespaceConfig()));
    const web0 = recorder();
    const web1 = recorder();
    const client = recorder();
    const other = recorder();
    // Two pods of a/web (they serve port 8080), and a client in `a` that serves nothing, all with different labels.
    pipeline.watch(node('sidecar~10.1.1.1~web-0.a~a.svc.cluster.local'), web0.on);
    pipeline.watch(node('sidecar~10.1.1.2~web-1.a~a.svc.cluster.local'), web1.on);
    pipeline.watch(node('sidecar~10.9.9.9~client-0.a~a.svc.cluster.local', { app: 'client', team: 'x' }), client.on);
    pipeline.watch(node('sidecar~10.9.9.8~other-0.b~b.svc.cluster.local', { app: 'other' }), other.on);
    const stats = pipeline.stats();
    expect(stats.scopes).toBe(2); // one per namespace
    expect(stats.workloads).toBe(3); // web-0 and web-1 share one (they serve the same port), the clients of a and b one each
    // The outbound clusters of `a` are the same encoded objects for the pod and the client.
    const clusters = (r: ReturnType<typeof recorder>) => r.last().resources.get(TypeUrl.Cluster)!;
    const name = 'outbound|80|v1|web.a.svc.cluster.local';
    expect(clusters(web0).get(name)).toBe(clusters(client).get(name));
    expect(clusters(web0).has('inbound|8080||')).toBe(true);
    expect(clusters(client).has('inbound|8080||')).toBe(false);
    // b sees a's service but not a's DestinationRule (exported to `a` only): no subset clusters.
    expect(clusters(other).has('outbound|80||web.a.svc.cluster.local')).toBe(true);
    expect(clusters(other).has(name)).toBe(false);
  });

  it('a proxy whose labels a selector matches gets its own scope, yet reuses every cached resource that does not depend on them', () => {
    const pipeline = createPushPipeline(pushOf(twoNamespaceConfig({ selectorDr: true })));
    const plain = recorder();
    const canary = recorder();
    pipeline.watch(node('sidecar~10.9.9.1~plain-0.a~a.svc.cluster.local', { app: 'plain' }), plain.on);
    const before = pipeline.stats().cache;
    pipeline.watch(node('sidecar~10.9.9.2~canary-0.a~a.svc.cluster.local', { app: 'canary', role: 'canary' }), canary.on);
    const after = pipeline.stats().cache;
    expect(pipeline.stats().scopes).toBe(2);
    const cds = (r: ReturnType<typeof recorder>) => r.last().resources.get(TypeUrl.Cluster)!;
    // The selected DestinationRule changes only the cluster of web.b; everything else is the same cached object.
    expect(cds(canary).get('outbound|80||web.b.svc.cluster.local')).not.toBe(cds(plain).get('outbound|80||web.b.svc.cluster.local'));
    for (const n of ['outbound|80||web.a.svc.cluster.local', 'outbound|80|v1|web.a.svc.cluster.local', 'outbound|80|v2|web.a.svc.cluster.local']) {
      expect(cds(canary).get(n)).toBe(cds(plain).get(n));
    }
    expect(after.hits).toBeGreaterThan(before.hits);
    // Built anew: the cluster of web.b, the virtual host of web.b (its hash policy could follow that rule),
    // the route configuration holding it, and its own workload resources (virtualInbound, inbound
    // clusters: keyed by its selector signature); nothing else.
    expect(after.misses - before.misses).toBe(5);
  });

  it('an edit of a VirtualService exported to one namespace regenerates only routes and reaches only that namespace', async () => {
    const objectsBefore = twoNamespaceConfig();
    const pipeline = createPushPipeline(pushOf(objectsBefore));
    const inA = recorder();
    const inB = recorder();
    pipeline.watch(node('sidecar~10.9.9.1~client-0.a~a.svc.cluster.local'), inA.on);
    pipeline.watch(node('sidecar~10.9.9.2~client-0.b~b.svc.cluster.local'), inB.on);
    const objectsAfter = twoNamespaceConfig({ weightA: 10 });
    await pipeline.setPush(pushOf(objectsAfter, objectsBefore), new Set(['VirtualService/a/web']));
    expect(inA.got).toHaveLength(2);
    expect(changedTypes(inA.got[0]!, inA.got[1]!)).toEqual(['RouteConfiguration']);
    expect(inB.got).toHaveLength(1); // nothing for b: it cannot see the VirtualService
  });

  it('an edit of a delegate VirtualService reaches the namespaces of its root and changes the root\'s routes there', async () => {
    // a/web is replaced by the root a/web-root (exported to a and b), which delegates to c/routes (exported to a only).
    const base = twoNamespaceConfig().filter((o) => !(o.kind === 'VirtualService' && o.metadata.namespace === 'a'));
    const objectsBefore = [...base, ...delegation('v1')];
    const pipeline = createPushPipeline(pushOf(objectsBefore));
    const inB = recorder();
    pipeline.watch(node('sidecar~10.9.9.2~client-0.b~b.svc.cluster.local'), inB.on);
    const objectsAfter = [...base, ...delegation('v2')];
    await pipeline.setPush(pushOf(objectsAfter, objectsBefore), new Set(['VirtualService/c/routes']));
    expect(inB.got).toHaveLength(2);
    expect(changedTypes(inB.got[0]!, inB.got[1]!)).toEqual(['RouteConfiguration']);
  });

  it('an endpoint-only change pushes only EDS, to every proxy that sees the service', async () => {
    const objectsBefore = twoNamespaceConfig();
    const pipeline = createPushPipeline(pushOf(objectsBefore));
    const inA = recorder();
    const inB = recorder();
    pipeline.watch(node('sidecar~10.9.9.1~client-0.a~a.svc.cluster.local'), inA.on);
    pipeline.watch(node('sidecar~10.9.9.2~client-0.b~b.svc.cluster.local'), inB.on);
    const objectsAfter = twoNamespaceConfig({ extraPodA: true });
    await pipeline.setPush(pushOf(objectsAfter, objectsBefore), new Set(['Pod/a/web-2', 'EndpointSlice/a/web-1']));
    expect(changedTypes(inA.got[0]!, inA.got[1]!)).toEqual(['ClusterLoadAssignment']);
    expect(changedTypes(inB.got[0]!, inB.got[1]!)).toEqual(['ClusterLoadAssignment']);
  });

  it('a workload PeerAuthentication changes only the selected workload\'s listeners; a namespace one also the clusters that reach it', async () => {
    const objectsBefore = twoNamespaceConfig();
    const pipeline = createPushPipeline(pushOf(objectsBefore));
    const web = recorder();
    const client = recorder();
    pipeline.watch(node('sidecar~10.1.1.1~web-0.a~a.svc.cluster.local', { app: 'web', version: 'v1' }), web.on);
    pipeline.watch(node('sidecar~10.9.9.2~client-0.b~b.svc.cluster.local', { app: 'client' }), client.on);
    const strict = (spec: string) => [...loadYaml(`apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: web, namespace: a}\nspec: ${spec}`).objects];
    const workload = [...objectsBefore, ...strict('{selector: {matchLabels: {app: web}}, mtls: {mode: STRICT}}')];
    await pipeline.setPush(pushOf(workload, objectsBefore), new Set(['PeerAuthentication/a/web']));
    expect(web.got).toHaveLength(2);
    expect(changedTypes(web.got[0]!, web.got[1]!)).toEqual(['Listener']);
    expect(client.got).toHaveLength(1); // its inbound side is not selected, and auto-mTLS reads namespace policies only
    const namespace = [...objectsBefore, ...strict('{mtls: {mode: DISABLE}}')];
    await pipeline.setPush(pushOf(namespace, workload), new Set(['PeerAuthentication/a/web']));
    // The client's clusters to a's services drop auto-mTLS; its listeners stay.
    expect(client.got).toHaveLength(2);
    expect(changedTypes(client.got[0]!, client.got[1]!)).toEqual(['Cluster']);
  });

  it('re-keys streams when the registry changes and forgets parts when their last stream closes', async () => {
    const objectsBefore = twoNamespaceConfig();
    const pipeline = createPushPipeline(pushOf(objectsBefore));
    const pod = recorder();
    // 10.1.1.3 is not a pod yet: the stream serves nothing.
    const stop = pipeline.watch(node('sidecar~10.1.1.3~web-2.a~a.svc.cluster.local'), pod.on);
    const stop2 = pipeline.watch(node('sidecar~10.9.9.1~client-0.a~a.svc.cluster.local'), () => {});
    expect(pipeline.stats().workloads).toBe(1);
    expect(pod.last().resources.get(TypeUrl.Cluster)!.has('inbound|8080||')).toBe(false);
    await pipeline.setPush(pushOf(twoNamespaceConfig({ extraPodA: true }), objectsBefore), new Set(['Pod/a/web-2', 'EndpointSlice/a/web-1']));
    expect(pipeline.stats().workloads).toBe(2);
    expect(pod.last().resources.get(TypeUrl.Cluster)!.has('inbound|8080||')).toBe(true);
    expect(pipeline.resourcesFor('web-2.a')?.proxy.ip).toBe('10.1.1.3');
    stop();
    stop2();
    expect(pipeline.viewCount()).toBe(0);
    expect(pipeline.resourcesFor('web-2.a')).toBeUndefined();
  });
});
