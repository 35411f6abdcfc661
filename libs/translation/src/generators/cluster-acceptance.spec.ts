import { clusterV3 } from '@minipilot/envoy-api';
import { labPush } from '../testing/lab-config.js';
import { INGRESS_ID, PRODUCTPAGE_ID, proxyFor } from '../testing/cluster-fixtures.js';
import { checkEnvoyResources, formatViolation } from '../acceptance/check.js';
import { buildClusters } from './clusters.js';
import { buildEndpoints } from './endpoints.js';

// Every feature's clusters and endpoints must pass Envoy's PGV rules and reference checks (issue 3 §2).
const FEATURES = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  trafficPolicy:
    connectionPool:
      tcp: {maxConnections: 1, connectTimeout: 250ms, maxConnectionDuration: 1h, tcpKeepalive: {probes: 3, time: 60s, interval: 5s}}
      http: {http1MaxPendingRequests: 1, maxRequestsPerConnection: 1, idleTimeout: 10s, h2UpgradePolicy: UPGRADE, maxConcurrentStreams: 10}
    outlierDetection: {consecutive5xxErrors: 1, consecutiveGatewayErrors: 2, interval: 1s, baseEjectionTime: 3m, maxEjectionPercent: 100, splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailures: 1}
    loadBalancer: {simple: LEAST_REQUEST, warmupDurationSecs: 30s}
    portLevelSettings: [{port: {number: 9080}, loadBalancer: {consistentHash: {httpHeaderName: x-user, minimumRingSize: 2048}}, tls: {mode: ISTIO_MUTUAL}}]
  subsets:
  - {name: v1, labels: {version: v1}, trafficPolicy: {loadBalancer: {consistentHash: {maglev: {tableSize: 65537}, httpHeaderName: x}}}}
  - {name: v2, labels: {version: v2}, trafficPolicy: {tls: {mode: MUTUAL, clientCertificate: /c.pem, privateKey: /k.pem, caCertificates: /ca.pem, subjectAltNames: [a]}}}
  - {name: v3, labels: {version: v3}, trafficPolicy: {tls: {mode: SIMPLE, insecureSkipVerify: true}, loadBalancer: {simple: PASSTHROUGH}}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ratings, namespace: default}
spec: {host: ratings, trafficPolicy: {tls: {mode: SIMPLE, credentialName: cred, sni: ratings.example}}}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: mixed, namespace: default}
spec:
  hosts: [db.internal]
  addresses: [10.10.0.100]
  ports: [{number: 5432, name: tcp-pg, protocol: TCP}, {number: 50051, name: grpc, protocol: GRPC}]
  location: MESH_INTERNAL
  resolution: STATIC
  endpoints: [{address: 10.10.0.1, locality: us-east/a/1, weight: 2, serviceAccount: pg}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: default}
spec: {hosts: [api.example.com], ports: [{number: 443, name: tls, protocol: TLS}], resolution: DNS_ROUND_ROBIN}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: legacy, namespace: default}
spec: {hosts: [legacy.internal], ports: [{number: 8080, name: http, protocol: HTTP, targetPort: 9090}], location: MESH_INTERNAL, resolution: NONE}
`;

describe('clusters and endpoints pass the Envoy acceptance check', () => {
  const push = labPush(FEATURES);
  it.each([
    ['sidecar, stock Envoy', proxyFor(PRODUCTPAGE_ID)],
    ['sidecar, istio-proxy', proxyFor(PRODUCTPAGE_ID, 'istio')],
    ['gateway, istio-proxy', proxyFor(INGRESS_ID, 'istio')],
    ['gateway, stock Envoy', proxyFor(INGRESS_ID)],
    ['proxyless gRPC', proxyFor(PRODUCTPAGE_ID, 'grpc')],
  ])('%s', (_name, proxy) => {
    const clusters = buildClusters(proxy, push);
    const endpoints = buildEndpoints(proxy, push);
    expect(clusters.length).toBeGreaterThan(10);
    // The features above really are in the output (none was dropped by config validation).
    const lb = new Set(clusters.map((c) => clusterV3.Cluster_LbPolicy[c.lbPolicy]));
    expect([...lb]).toEqual(expect.arrayContaining(proxy.generator === 'grpc' ? ['RING_HASH', 'ROUND_ROBIN'] : ['RING_HASH', 'MAGLEV', 'LEAST_REQUEST', 'CLUSTER_PROVIDED']));
    expect(clusters.some((c) => c.transportSocket !== undefined)).toBe(proxy.generator !== 'grpc');
    expect(clusters.map((c) => c.name)).toEqual(expect.arrayContaining(['outbound|443||api.example.com', 'outbound|50051||db.internal']));
    const result = checkEnvoyResources({ listeners: [], routes: [], clusters, endpoints, nameTables: [] });
    expect(result.violations.map(formatViolation)).toEqual([]);
  });
});
