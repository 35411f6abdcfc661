import { createConfigSnapshot, loadYaml, type ServiceEntryConfig } from '@minipilot/config';
import { buildPushContext } from '../model/push-context.js';
import { labPush } from '../testing/lab-config.js';
import { cdsEds, edsJson, INGRESS_ID, PRODUCTPAGE_ID, proxyFor, thresholds } from '../testing/cluster-fixtures.js';

// ServiceEntry resolution → cluster type and endpoints as istiod (istio-translation.md §3.1, §4, §7).
const se = (name: string, spec: string) => `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}, namespace: default}
spec:
${spec}`;

describe('ServiceEntry clusters', () => {
  it('makes httpbin.org (DNS, MESH_EXTERNAL) a STRICT_DNS cluster with the host as its inline endpoint', () => {
    const { clusters, endpoints } = cdsEds(proxyFor(PRODUCTPAGE_ID), labPush());
    expect(clusters.get('outbound|80||httpbin.org')).toEqual({
      name: 'outbound|80||httpbin.org',
      type: 'STRICT_DNS',
      connectTimeout: '10s',
      lbPolicy: 'LEAST_REQUEST',
      circuitBreakers: thresholds(),
      dnsRefreshRate: '60s',
      respectDnsTtl: true,
      dnsLookupFamily: 'V4_ONLY',
      commonLbConfig: {},
      altStatName: 'outbound|80||httpbin.org;',
      metadata: { filterMetadata: { istio: { services: [{ host: 'httpbin.org', name: 'httpbin.org', namespace: 'default' }], external: true } } },
      loadAssignment: {
        clusterName: 'outbound|80||httpbin.org',
        endpoints: [{
          locality: {},
          loadBalancingWeight: 1,
          lbEndpoints: [{
            endpoint: { address: { socketAddress: { address: 'httpbin.org', portValue: 80 } } },
            healthStatus: 'HEALTHY',
            loadBalancingWeight: 1,
            metadata: { filterMetadata: { istio: { workload: ';;;;' } } },
          }],
        }],
      },
    });
    expect(endpoints.has('outbound|80||httpbin.org')).toBe(false);
  });

  it('takes dnsRefreshRate from the mesh config', () => {
    const push = labPush();
    const c = cdsEds(proxyFor(PRODUCTPAGE_ID), labPush('', { ...push.mesh, dnsRefreshRate: '5s' })).clusters.get('outbound|80||httpbin.org');
    expect(c.dnsRefreshRate).toBe('5s');
  });

  it('makes DNS_ROUND_ROBIN a LOGICAL_DNS cluster with exactly one endpoint', () => {
    const yaml = se('api', `  hosts: [api.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS_ROUND_ROBIN
  endpoints: [{address: a.example.com}]
`);
    const { clusters, warnings } = cdsEds(proxyFor(PRODUCTPAGE_ID), labPush(yaml));
    const c = clusters.get('outbound|443||api.example.com');
    expect(c).toMatchObject({ type: 'LOGICAL_DNS', dnsLookupFamily: 'V4_ONLY', respectDnsTtl: true });
    expect(c.loadAssignment.endpoints[0].lbEndpoints.map((e: any) => e.endpoint.address.socketAddress)).toEqual([{ address: 'a.example.com', portValue: 443 }]);
    expect(warnings).toEqual([]);
    // Istio validation rejects more endpoints; a config that bypassed it keeps the first, with a warning.
    const entry = loadYaml(yaml).objects[0] as ServiceEntryConfig;
    const two = { ...entry, spec: { ...entry.spec, endpoints: [{ address: 'a.example.com' }, { address: 'b.example.com' }] } };
    const bypass = cdsEds(proxyFor(PRODUCTPAGE_ID), buildPushContext(createConfigSnapshot([two])));
    expect(bypass.clusters.get('outbound|443||api.example.com').loadAssignment.endpoints[0].lbEndpoints).toHaveLength(1);
    expect(bypass.warnings).toEqual(['ServiceEntry/default/api: a LOGICAL_DNS cluster takes exactly one endpoint; outbound|443||api.example.com uses a.example.com of 2']);
  });

  it('serves a STATIC ServiceEntry over EDS with its endpoints, subsets filtered by label, localities sorted', () => {
    const push = labPush(se('db', `  hosts: [db.internal]
  addresses: [10.10.0.100]
  ports: [{number: 5432, name: tcp-pg, protocol: TCP}]
  location: MESH_INTERNAL
  resolution: STATIC
  endpoints:
  - {address: 10.10.0.2, labels: {role: replica}, locality: us-east/b, weight: 3}
  - {address: 10.10.0.1, labels: {role: primary}, locality: us-east/a, serviceAccount: pg}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: db, namespace: default}
spec: {host: db.internal, subsets: [{name: primary, labels: {role: primary}}]}
`));
    const { clusters, endpoints } = cdsEds(proxyFor(PRODUCTPAGE_ID), push);
    expect(clusters.get('outbound|5432||db.internal')).toMatchObject({ type: 'EDS', edsClusterConfig: edsJson('outbound|5432||db.internal') });
    expect(endpoints.get('outbound|5432||db.internal')).toEqual({
      clusterName: 'outbound|5432||db.internal',
      endpoints: [
        {
          locality: { region: 'us-east', zone: 'a' },
          loadBalancingWeight: 1,
          lbEndpoints: [{
            endpoint: { address: { socketAddress: { address: '10.10.0.1', portValue: 5432 } } }, healthStatus: 'HEALTHY', loadBalancingWeight: 1,
            metadata: { filterMetadata: { istio: { workload: ';default;;;Kubernetes' }, 'envoy.transport_socket_match': { tlsMode: 'istio' } } },
          }],
        },
        {
          locality: { region: 'us-east', zone: 'b' },
          loadBalancingWeight: 3,
          lbEndpoints: [{
            endpoint: { address: { socketAddress: { address: '10.10.0.2', portValue: 5432 } } }, healthStatus: 'HEALTHY', loadBalancingWeight: 3,
            metadata: { filterMetadata: { istio: { workload: ';default;;;Kubernetes' } } },
          }],
        },
      ],
    });
    const primary = endpoints.get('outbound|5432|primary|db.internal');
    expect(primary.endpoints.flatMap((l: any) => l.lbEndpoints.map((e: any) => e.endpoint.address.socketAddress.address))).toEqual(['10.10.0.1']);
  });

  it('makes resolution NONE ORIGINAL_DST on sidecars (with the targetPort override) and EDS on gateways', () => {
    const push = labPush(se('legacy', `  hosts: [legacy.internal]
  addresses: [10.20.0.0/16]
  ports: [{number: 8080, name: http, protocol: HTTP, targetPort: 9090}]
  location: MESH_INTERNAL
  resolution: NONE
`));
    const sidecar = cdsEds(proxyFor(PRODUCTPAGE_ID), push);
    expect(sidecar.clusters.get('outbound|8080||legacy.internal')).toMatchObject({
      type: 'ORIGINAL_DST', lbPolicy: 'CLUSTER_PROVIDED', originalDstLbConfig: { upstreamPortOverride: 9090 },
    });
    expect(sidecar.clusters.get('outbound|8080||legacy.internal').edsClusterConfig).toBeUndefined();
    expect(sidecar.endpoints.has('outbound|8080||legacy.internal')).toBe(false);
    const gateway = cdsEds(proxyFor(INGRESS_ID), push);
    expect(gateway.clusters.get('outbound|8080||legacy.internal')).toMatchObject({ type: 'EDS', lbPolicy: 'LEAST_REQUEST' });
    expect(gateway.endpoints.get('outbound|8080||legacy.internal')).toEqual({ clusterName: 'outbound|8080||legacy.internal' });
  });

  it('treats a headless Kubernetes service like NONE', () => {
    const push = labPush(`apiVersion: v1
kind: Service
metadata: {name: mongo, namespace: default}
spec: {clusterIP: None, ports: [{name: mongo, port: 27017}]}
`);
    expect(cdsEds(proxyFor(PRODUCTPAGE_ID), push).clusters.get('outbound|27017||mongo.default.svc.cluster.local')).toMatchObject({ type: 'ORIGINAL_DST', lbPolicy: 'CLUSTER_PROVIDED' });
    expect(cdsEds(proxyFor(INGRESS_ID), push).clusters.get('outbound|27017||mongo.default.svc.cluster.local').type).toBe('EDS');
  });

  it('honours exportTo: a ServiceEntry exported to its own namespace only is invisible elsewhere', () => {
    const push = labPush(se('private', `  hosts: [private.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
  exportTo: ["."]
`));
    expect(cdsEds(proxyFor(PRODUCTPAGE_ID), push).names).toContain('outbound|80||private.example.com');
    expect(cdsEds(proxyFor(INGRESS_ID), push).names).not.toContain('outbound|80||private.example.com');
  });
});
