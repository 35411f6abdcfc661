import * as fs from 'node:fs';
import * as path from 'node:path';
import { toJson } from '@bufbuild/protobuf';
import { loadYaml, createConfigSnapshot, type ConfigObject } from '@minipilot/config';
import { routeV3, envoyRegistry, clusterV3 } from '@minipilot/envoy-api';
import { buildPushContext, generateResources, parseProxy, checkConsistent, rdsNamesOf } from './index.js';

const labDir = path.resolve(__dirname, '../../../apps/discovery/lab');
function lab(extra = ''): ConfigObject[] {
  const objs: ConfigObject[] = [];
  for (const f of fs.readdirSync(labDir).filter((f) => f.endsWith('.yaml')).sort()) {
    const r = loadYaml(fs.readFileSync(path.join(labDir, f), 'utf8'), f);
    expect(r.problems).toEqual([]);
    objs.push(...r.objects);
  }
  if (extra) objs.push(...loadYaml(extra).objects);
  return objs;
}
const grpcProxy = parseProxy({ id: 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local', metadata: { GENERATOR: 'grpc' } });

describe('generateResources for proxyless gRPC clients', () => {
  it('names clusters, listeners and routes as istiod does and is consistent', () => {
    const res = generateResources(grpcProxy, buildPushContext(createConfigSnapshot(lab())));
    const clusterNames = res.clusters.map((c) => c.name);
    expect(clusterNames).toEqual(expect.arrayContaining([
      'outbound|9080||reviews.default.svc.cluster.local', 'outbound|9080|v1|reviews.default.svc.cluster.local',
      'outbound|9080|v2|reviews.default.svc.cluster.local', 'outbound|9080|v3|reviews.default.svc.cluster.local',
      'outbound|9080|v2-mysql|ratings.default.svc.cluster.local',
    ]));
    expect(res.clusters.every((c) => c.lbPolicy === clusterV3.Cluster_LbPolicy.ROUND_ROBIN)).toBe(true);
    expect(res.listeners.map((l) => l.name)).toEqual(expect.arrayContaining(['reviews:9080', 'reviews.default:9080', 'reviews.default.svc:9080', 'reviews.default.svc.cluster.local:9080']));
    expect(rdsNamesOf(res.listeners.find((l) => l.name === 'reviews:9080')!)).toEqual(['outbound|9080||reviews.default.svc.cluster.local']);
    expect(checkConsistent(res)).toEqual([]);
  });

  it('routes the VirtualService destinations and filters endpoints by subset labels', () => {
    const res = generateResources(grpcProxy, buildPushContext(createConfigSnapshot(lab())));
    const rc = res.routes.find((r) => r.name === 'outbound|9080||reviews.default.svc.cluster.local')!;
    const json = toJson(routeV3.RouteConfigurationSchema, rc, { registry: envoyRegistry }) as any;
    expect(json.virtualHosts[0].domains).toEqual(expect.arrayContaining(['reviews:9080', 'reviews.default.svc.cluster.local:9080']));
    expect(json.virtualHosts[0].routes[0].route.cluster).toBe('outbound|9080|v1|reviews.default.svc.cluster.local');
    expect(json.virtualHosts[0].routes[0].metadata.filterMetadata.istio.config).toBe('/apis/networking.istio.io/v1/namespaces/default/virtual-service/reviews');
    const v2 = res.endpoints.find((e) => e.clusterName === 'outbound|9080|v2|reviews.default.svc.cluster.local')!;
    const addrs = v2.endpoints.flatMap((l) => l.lbEndpoints.map((e) => (e.hostIdentifier.value as any).address.address.value.address));
    expect(addrs).toEqual(['10.244.0.22']);
    expect(v2.endpoints[0]!.loadBalancingWeight).toBe(1);
    const ratings = res.endpoints.find((e) => e.clusterName === 'outbound|9080||ratings.default.svc.cluster.local')!;
    expect(ratings.endpoints[0]!.lbEndpoints).toHaveLength(1);
  });

  it('translates weights and header matches, stopping at the first catch-all', () => {
    const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default, creationTimestamp: "2020-01-01T00:00:00Z"}
spec:
  hosts: [reviews]
  http:
  - match: [{headers: {end-user: {exact: jason}}}]
    route: [{destination: {host: reviews, subset: v2}}]
  - route:
    - {destination: {host: reviews, subset: v1}, weight: 50}
    - {destination: {host: reviews, subset: v3}, weight: 50}
  - route: [{destination: {host: reviews, subset: v2}}]
`;
    const objs = lab().filter((o) => !(o.kind === 'VirtualService' && o.metadata.name === 'reviews'));
    const res = generateResources(grpcProxy, buildPushContext(createConfigSnapshot([...objs, ...loadYaml(vs).objects])));
    const rc = res.routes.find((r) => r.name === 'outbound|9080||reviews.default.svc.cluster.local')!;
    const routes = (toJson(routeV3.RouteConfigurationSchema, rc) as any).virtualHosts[0].routes;
    expect(routes).toHaveLength(2);
    expect(routes[0].match.headers).toEqual([{ name: 'end-user', stringMatch: { exact: 'jason' } }]);
    expect(routes[1].route.weightedClusters).toEqual({
      clusters: [{ name: 'outbound|9080|v1|reviews.default.svc.cluster.local', weight: 50 }, { name: 'outbound|9080|v3|reviews.default.svc.cluster.local', weight: 50 }],
      totalWeight: 100,
    });
  });
});
