import { labPush } from '../testing/lab-config.js';
import { cdsEds, PRODUCTPAGE_ID, proxyFor } from '../testing/cluster-fixtures.js';
import { isIpAddress } from './endpoints.js';

// EDS as istiod's endpoint builder (istio-translation.md §7, §12).
const addresses = (cla: any): string[] => (cla.endpoints ?? []).flatMap((l: any) => l.lbEndpoints.map((e: any) => e.endpoint.address.socketAddress.address));

describe('bookinfo EDS', () => {
  const push = labPush();
  const { clusters, endpoints } = cdsEds(proxyFor(PRODUCTPAGE_ID), push);

  it('has one assignment per EDS cluster, named like the cluster and its eds service_name', () => {
    const eds = [...clusters.values()].filter((c) => c.type === 'EDS');
    expect(eds.map((c) => c.edsClusterConfig.serviceName)).toEqual(eds.map((c) => c.name));
    expect([...endpoints.keys()].sort()).toEqual(eds.map((c) => c.name).sort());
  });

  it('selects subset endpoints by label: v1 only version v1, the default cluster all three', () => {
    expect(addresses(endpoints.get('outbound|9080|v1|reviews.default.svc.cluster.local'))).toEqual(['10.244.0.21']);
    expect(addresses(endpoints.get('outbound|9080||reviews.default.svc.cluster.local'))).toEqual(['10.244.0.21', '10.244.0.22', '10.244.0.23']);
  });

  it('writes istiod endpoint fields: locality, weights, health, workload metadata', () => {
    expect(endpoints.get('outbound|9080|v3|reviews.default.svc.cluster.local')).toEqual({
      clusterName: 'outbound|9080|v3|reviews.default.svc.cluster.local',
      endpoints: [{
        locality: {},
        loadBalancingWeight: 1,
        lbEndpoints: [{
          endpoint: { address: { socketAddress: { address: '10.244.0.23', portValue: 9080 } } },
          healthStatus: 'HEALTHY',
          loadBalancingWeight: 1,
          metadata: { filterMetadata: { istio: { workload: 'reviews-v3-0;default;reviews;v3;Kubernetes' } } },
        }],
      }],
    });
  });

  it('sends an empty assignment for a subset without endpoints', () => {
    expect(endpoints.get('outbound|9080|v2|details.default.svc.cluster.local')).toEqual({ clusterName: 'outbound|9080|v2|details.default.svc.cluster.local' });
  });
});

describe('EDS from EndpointSlices and pod labels', () => {
  const yaml = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {clusterIP: 10.96.30.1, ports: [{name: http, port: 80, targetPort: 8080}], selector: {app: web}}
---
apiVersion: v1
kind: Pod
metadata: {name: web-a, namespace: shop, labels: {app: web, security.istio.io/tlsMode: istio, service.istio.io/canonical-name: storefront, topology.kubernetes.io/region: eu, topology.kubernetes.io/zone: eu-2}}
status: {phase: Running, podIP: 10.244.1.2}
---
apiVersion: v1
kind: Pod
metadata: {name: web-b, namespace: shop, labels: {app: web, version: latest, topology.kubernetes.io/region: eu, topology.kubernetes.io/zone: eu-1}}
status: {phase: Running, podIP: 10.244.1.3}
---
apiVersion: v1
kind: Pod
metadata: {name: web-c, namespace: shop, labels: {app: web, topology.kubernetes.io/region: eu, topology.kubernetes.io/zone: eu-1}}
status: {phase: Running, podIP: 10.244.1.4}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-1, namespace: shop, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
ports: [{name: http, port: 8080}]
endpoints:
- {addresses: [10.244.1.2], conditions: {ready: true}, targetRef: {kind: Pod, name: web-a, namespace: shop}}
- {addresses: [10.244.1.3], conditions: {ready: true}, targetRef: {kind: Pod, name: web-b, namespace: shop}}
- {addresses: [10.244.1.4], conditions: {ready: false}, targetRef: {kind: Pod, name: web-c, namespace: shop}}
`;
  const cla = cdsEds(proxyFor(PRODUCTPAGE_ID), labPush(yaml)).endpoints.get('outbound|80||web.shop.svc.cluster.local');

  it('groups by locality (sorted), sums weights, uses target ports and leaves not-ready endpoints out', () => {
    expect(cla.endpoints.map((l: any) => [l.locality, l.loadBalancingWeight, l.lbEndpoints.map((e: any) => e.endpoint.address.socketAddress)])).toEqual([
      [{ region: 'eu', zone: 'eu-1' }, 1, [{ address: '10.244.1.3', portValue: 8080 }]],
      [{ region: 'eu', zone: 'eu-2' }, 1, [{ address: '10.244.1.2', portValue: 8080 }]],
    ]);
  });

  it('marks istio-mTLS workloads for the tlsMode transport socket match and names canonical services', () => {
    const [eu1, eu2] = cla.endpoints;
    expect(eu2.lbEndpoints[0].metadata.filterMetadata).toEqual({
      istio: { workload: 'web-a;shop;storefront;;Kubernetes' },
      'envoy.transport_socket_match': { tlsMode: 'istio' },
    });
    // revision "latest" is left empty, as istiod does.
    expect(eu1.lbEndpoints[0].metadata.filterMetadata).toEqual({ istio: { workload: 'web-b;shop;web;;Kubernetes' } });
  });
});

describe('isIpAddress', () => {
  it.each([['10.0.0.1', true], ['255.255.255.255', true], ['fd00::1', true], ['::1', true], ['256.1.1.1', false], ['db.internal', false], ['1.2.3', false], ['fd00::1::2', false]])('%s → %s', (a, ok) => {
    expect(isIpAddress(a)).toBe(ok);
  });
});
