import { create } from '@bufbuild/protobuf';
import { DurationSchema } from '@bufbuild/protobuf/wkt';
import { DEFAULT_MESH_CONFIG, type TrafficPolicy } from '@minipilot/config';
import { clusterV3 } from '@minipilot/envoy-api';
import { clusterDraft } from '../builders/cluster.js';
import { labPush } from '../testing/lab-config.js';
import { cdsEds, edsJson, PRODUCTPAGE_ID, proxyFor, thresholds } from '../testing/cluster-fixtures.js';
import { applyConnectionPool, effectivePolicy } from './cluster-traffic-policy.js';

// Expectations follow istiod's applyConnectionPool / applyOutlierDetection / applyLoadBalancer
// as tabled in shared/research/istio-translation.md §3.2-3.5.
const HTTPBIN = `apiVersion: v1
kind: Service
metadata: {name: httpbin, namespace: default, labels: {app: httpbin, service: httpbin}}
spec: {clusterIP: 10.96.20.1, ports: [{name: http, port: 8000, targetPort: 8080}], selector: {app: httpbin}}
---
apiVersion: v1
kind: Pod
metadata: {name: httpbin-0, namespace: default, labels: {app: httpbin, version: v1}}
spec: {serviceAccountName: httpbin}
status: {phase: Running, podIP: 10.244.0.40}
`;
const HTTPBIN_CLUSTER = 'outbound|8000||httpbin.default.svc.cluster.local';
const dr = (spec: string, name = 'httpbin') => `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}, namespace: default}
spec:
${spec}`;
const clustersWith = (yaml: string, kind: 'envoy' | 'istio' = 'envoy') => cdsEds(proxyFor(PRODUCTPAGE_ID, kind), labPush(HTTPBIN + yaml));
const HPO = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

describe('DestinationRule connectionPool and outlierDetection', () => {
  it("translates Istio's circuit-breaking tutorial rule as istiod does", () => {
    const { clusters, warnings } = clustersWith(dr(`  host: httpbin
  trafficPolicy:
    connectionPool:
      tcp: {maxConnections: 1}
      http: {http1MaxPendingRequests: 1, maxRequestsPerConnection: 1}
    outlierDetection: {consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 3m, maxEjectionPercent: 100}
`));
    expect(warnings).toEqual([]);
    expect(clusters.get(HTTPBIN_CLUSTER)).toEqual({
      name: HTTPBIN_CLUSTER,
      type: 'EDS',
      edsClusterConfig: edsJson(HTTPBIN_CLUSTER),
      connectTimeout: '10s',
      lbPolicy: 'LEAST_REQUEST',
      circuitBreakers: thresholds({ maxConnections: 1, maxPendingRequests: 1 }),
      outlierDetection: { consecutive5xx: 1, interval: '1s', baseEjectionTime: '180s', maxEjectionPercent: 100, enforcingConsecutive5xx: 100, enforcingSuccessRate: 0 },
      commonLbConfig: { healthyPanicThreshold: {} },
      typedExtensionProtocolOptions: { [HPO]: { '@type': `type.googleapis.com/${HPO}`, commonHttpProtocolOptions: { maxRequestsPerConnection: 1 }, explicitHttpConfig: { httpProtocolOptions: {} } } },
      altStatName: `${HTTPBIN_CLUSTER};`,
      metadata: { filterMetadata: { istio: {
        services: [{ host: 'httpbin.default.svc.cluster.local', name: 'httpbin', namespace: 'default' }],
        config: '/apis/networking.istio.io/v1/namespaces/default/destination-rule/httpbin',
      } } },
    });
  });

  it('maps the remaining connectionPool fields (table in §3.3)', () => {
    const { clusters } = clustersWith(dr(`  host: httpbin
  trafficPolicy:
    connectionPool:
      tcp: {connectTimeout: 250ms, maxConnectionDuration: 1h, idleTimeout: 30s, tcpKeepalive: {probes: 3, time: 7200s, interval: 75s}}
      http: {http2MaxRequests: 100, maxRetries: 5, idleTimeout: 10s}
`));
    const c = clusters.get(HTTPBIN_CLUSTER);
    expect(c.connectTimeout).toBe('0.250s');
    expect(c.circuitBreakers).toEqual(thresholds({ maxRequests: 100, maxRetries: 5 }));
    expect(c.upstreamConnectionOptions).toEqual({ tcpKeepalive: { keepaliveProbes: 3, keepaliveTime: 7200, keepaliveInterval: 75 } });
    // http.idleTimeout wins over tcp.idleTimeout.
    expect(c.typedExtensionProtocolOptions[HPO].commonHttpProtocolOptions).toEqual({ idleTimeout: '10s', maxConnectionDuration: '3600s' });
    expect(c.outlierDetection).toBeUndefined();
    expect(c.commonLbConfig).toEqual({});
  });

  it('upgrades to HTTP/2 on h2UpgradePolicy UPGRADE, honours useClientProtocol, and limits h2 streams', () => {
    const up = clustersWith(dr(`  host: httpbin
  trafficPolicy: {connectionPool: {http: {h2UpgradePolicy: UPGRADE, maxConcurrentStreams: 10}}}
`)).clusters.get(HTTPBIN_CLUSTER).typedExtensionProtocolOptions[HPO];
    expect(up.explicitHttpConfig).toEqual({ http2ProtocolOptions: {} });
    const client = clustersWith(dr(`  host: httpbin
  trafficPolicy: {connectionPool: {http: {useClientProtocol: true}}}
`)).clusters.get(HTTPBIN_CLUSTER).typedExtensionProtocolOptions[HPO];
    expect(client.useDownstreamProtocolConfig).toEqual({ httpProtocolOptions: {}, http2ProtocolOptions: {} });
  });

  it('sets max_concurrent_streams on gRPC (explicit HTTP/2) ports', () => {
    const grpcSvc = `---
apiVersion: v1
kind: Service
metadata: {name: greeter, namespace: default}
spec: {clusterIP: 10.96.20.2, ports: [{name: grpc, port: 50051}]}
`;
    const c = clustersWith(grpcSvc + dr(`  host: greeter
  trafficPolicy: {connectionPool: {http: {maxConcurrentStreams: 10}}}
`, 'greeter')).clusters.get('outbound|50051||greeter.default.svc.cluster.local');
    expect(c.typedExtensionProtocolOptions[HPO].explicitHttpConfig).toEqual({ http2ProtocolOptions: { maxConcurrentStreams: 10 } });
  });

  it('maps gateway errors, local-origin splitting and minHealthPercent', () => {
    const c = clustersWith(dr(`  host: httpbin
  trafficPolicy:
    outlierDetection: {consecutiveGatewayErrors: 0, consecutive5xxErrors: 7, splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailures: 2, minHealthPercent: 30}
`)).clusters.get(HTTPBIN_CLUSTER);
    expect(c.outlierDetection).toEqual({
      consecutive5xx: 7, enforcingConsecutive5xx: 100, consecutiveGatewayFailure: 0, enforcingConsecutiveGatewayFailure: 0, enforcingSuccessRate: 0,
      splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailure: 2, enforcingConsecutiveLocalOriginFailure: 100, enforcingLocalOriginSuccessRate: 0,
    });
    expect(c.commonLbConfig).toEqual({ healthyPanicThreshold: { value: 30 } });
  });

  it('keeps the mesh connect timeout and warns for a zero connectTimeout (configs that bypassed validation)', () => {
    const draft = clusterDraft(create(clusterV3.ClusterSchema, { name: 'c' }));
    const warnings: string[] = [];
    applyConnectionPool(draft, { tcp: { connectTimeout: '0s' } }, DEFAULT_MESH_CONFIG, (m) => warnings.push(m));
    expect(draft.cluster.connectTimeout).toEqual(create(DurationSchema, { seconds: 10n }));
    expect(warnings).toEqual(['connectionPool.tcp.connectTimeout "0s" must be > 0; using the mesh connectTimeout 10s']);
  });

  it('applies the DestinationRule connectionPool to the inbound cluster of the workload it selects', () => {
    const { clusters } = cdsEds(proxyFor(PRODUCTPAGE_ID), labPush(dr(`  host: productpage
  trafficPolicy: {connectionPool: {tcp: {maxConnections: 9}}, outlierDetection: {consecutive5xxErrors: 2}}
  subsets: [{name: v1, labels: {version: v1}}]
`, 'productpage')));
    const inbound = clusters.get('inbound|9080||');
    expect(inbound.circuitBreakers).toEqual(thresholds({ maxConnections: 9 }));
    expect(inbound.outlierDetection).toBeUndefined();
    expect(inbound.metadata.filterMetadata.istio.config).toBe('/apis/networking.istio.io/v1/namespaces/default/destination-rule/productpage');
  });
});

describe('DestinationRule loadBalancer', () => {
  const lb = (yaml: string) => clustersWith(dr(`  host: httpbin
  trafficPolicy: {loadBalancer: ${yaml}}
`)).clusters.get(HTTPBIN_CLUSTER);

  it.each([
    ['{simple: ROUND_ROBIN}', {}],
    ['{simple: RANDOM}', { lbPolicy: 'RANDOM' }],
    ['{simple: LEAST_CONN}', { lbPolicy: 'LEAST_REQUEST' }],
    ['{simple: LEAST_REQUEST, warmupDurationSecs: 30s}', { lbPolicy: 'LEAST_REQUEST', leastRequestLbConfig: { slowStartConfig: { slowStartWindow: '30s' } } }],
    ['{simple: ROUND_ROBIN, warmup: {duration: 45s}}', { roundRobinLbConfig: { slowStartConfig: { slowStartWindow: '45s' } } }],
    ['{consistentHash: {httpHeaderName: x-user}}', { lbPolicy: 'RING_HASH', ringHashLbConfig: { minimumRingSize: '1024' } }],
    ['{consistentHash: {useSourceIp: true, minimumRingSize: 4096}}', { lbPolicy: 'RING_HASH', ringHashLbConfig: { minimumRingSize: '4096' } }],
    ['{consistentHash: {httpCookie: {name: user, ttl: 0s}, ringHash: {}}}', { lbPolicy: 'RING_HASH' }],
    ['{consistentHash: {httpHeaderName: x-user, ringHash: {minimumRingSize: 2048}}}', { lbPolicy: 'RING_HASH', ringHashLbConfig: { minimumRingSize: '2048' } }],
    ['{consistentHash: {httpHeaderName: x-user, maglev: {tableSize: 65537}}}', { lbPolicy: 'MAGLEV', maglevLbConfig: { tableSize: '65537' } }],
  ])('%s', (yaml, expected) => {
    const c = lb(yaml);
    const got = { lbPolicy: c.lbPolicy, leastRequestLbConfig: c.leastRequestLbConfig, roundRobinLbConfig: c.roundRobinLbConfig, ringHashLbConfig: c.ringHashLbConfig, maglevLbConfig: c.maglevLbConfig };
    expect(JSON.parse(JSON.stringify(got))).toEqual(expected);
  });

  it('turns simple PASSTHROUGH into an ORIGINAL_DST cluster without EDS', () => {
    const { clusters, endpoints } = clustersWith(dr(`  host: httpbin
  trafficPolicy: {loadBalancer: {simple: PASSTHROUGH}}
`));
    const c = clusters.get(HTTPBIN_CLUSTER);
    expect(c).toMatchObject({ type: 'ORIGINAL_DST', lbPolicy: 'CLUSTER_PROVIDED' });
    expect(c.edsClusterConfig).toBeUndefined();
    expect(endpoints.has(HTTPBIN_CLUSTER)).toBe(false);
  });
});

describe('portLevelSettings and subset precedence (MergeSubsetTrafficPolicy)', () => {
  const top: TrafficPolicy = {
    connectionPool: { tcp: { maxConnections: 100 } },
    loadBalancer: { simple: 'RANDOM' },
    outlierDetection: { consecutive5xxErrors: 3 },
    portLevelSettings: [{ port: { number: 8000 }, loadBalancer: { simple: 'ROUND_ROBIN' } }],
  };

  it('replaces the whole top-level policy for a port with a port-level entry (nothing inherited)', () => {
    expect(effectivePolicy(top, undefined, 8000)).toEqual({ loadBalancer: { simple: 'ROUND_ROBIN' } });
    expect(effectivePolicy(top, undefined, 9000)).toBe(top);
  });

  it('lets a subset override per component', () => {
    expect(effectivePolicy(top, { outlierDetection: { consecutive5xxErrors: 9 } }, 9000)).toEqual({
      connectionPool: { tcp: { maxConnections: 100 } }, loadBalancer: { simple: 'RANDOM' }, outlierDetection: { consecutive5xxErrors: 9 },
    });
  });

  it('takes all four components from a subset port-level entry, even unset ones', () => {
    const subset: TrafficPolicy = { portLevelSettings: [{ port: { number: 9000 }, connectionPool: { http: { maxRetries: 1 } } }] };
    expect(effectivePolicy(top, subset, 9000)).toEqual({ connectionPool: { http: { maxRetries: 1 } } });
  });

  it('applies them per cluster: port-level for the port, subset policy for the subset cluster', () => {
    const { clusters } = clustersWith(dr(`  host: httpbin
  trafficPolicy:
    connectionPool: {tcp: {maxConnections: 100}}
    loadBalancer: {simple: RANDOM}
    portLevelSettings: [{port: {number: 8000}, connectionPool: {tcp: {maxConnections: 5}}}]
  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}
`));
    const base = clusters.get(HTTPBIN_CLUSTER);
    expect(base.circuitBreakers).toEqual(thresholds({ maxConnections: 5 }));
    expect(base.lbPolicy).toBe('LEAST_REQUEST');
    const v1 = clusters.get('outbound|8000|v1|httpbin.default.svc.cluster.local');
    expect(v1.circuitBreakers).toEqual(thresholds({ maxConnections: 5 }));
    expect(v1.lbPolicy).toBe('RING_HASH');
    expect(v1.metadata.filterMetadata.istio.subset).toBe('v1');
  });
});
