import * as path from 'node:path';
import { toJson } from '@bufbuild/protobuf';
import { loadYaml, parseMeshConfig, type ConfigObject, type MeshConfig } from '@minipilot/config';
import { clusterV3, routeV3, envoyRegistry } from '@minipilot/envoy-api';
import { translate } from '../translate.js';
import type { EnvoyResources } from '../resources.js';
import { loadObjects, REPO_ROOT } from '../testing/lab-config.js';
import { checkEnvoyResources, formatViolation } from '../acceptance/check.js';

// Mesh-wide defaults of MeshConfig, each row naming where istiod reads the field and what it
// writes (pilot/pkg/networking/core, telemetry, route/retry). Config: the embedded bookinfo lab,
// seen from the productpage sidecar (istio-proxy), plus the objects a row adds.

const lab = loadObjects(path.join(REPO_ROOT, 'apps/discovery/lab'));
const productpage = { id: 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local', metadata: { ISTIO_VERSION: '1.28.0' } };
const REVIEWS = 'outbound|9080||reviews.default.svc.cluster.local';
const REVIEWS_V1 = 'outbound|9080|v1|reviews.default.svc.cluster.local';

function mesh(yaml: string): MeshConfig {
  const r = parseMeshConfig(yaml);
  expect(r.problems).toEqual([]);
  return r.mesh;
}

function objects(yaml: string): ConfigObject[] {
  const r = loadYaml(yaml, 'row.yaml');
  expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return [...r.objects];
}

function run(meshYaml: string, extra = ''): EnvoyResources {
  // Row objects first: they replace lab objects of the same name.
  return translate([...(extra ? objects(extra) : []), ...lab], productpage, { mesh: mesh(meshYaml) });
}

function cluster(out: EnvoyResources, name: string): Record<string, unknown> {
  const c = out.clusters.find((x) => x.name === name);
  expect(c).toBeDefined();
  return toJson(clusterV3.ClusterSchema, c!, { registry: envoyRegistry }) as Record<string, unknown>;
}

/** The route of a virtual host of route configuration `9080`, as JSON. */
function route(out: EnvoyResources, vhost: string): Record<string, unknown> {
  const rc = out.routes.find((r) => r.name === '9080');
  const vh = rc?.virtualHosts.find((v) => v.name === vhost);
  expect(vh).toBeDefined();
  return toJson(routeV3.RouteSchema, vh!.routes[0]!, { registry: envoyRegistry }) as Record<string, unknown>;
}

const upstreamProtocol = (c: Record<string, unknown>): string[] => {
  const opts = (c['typedExtensionProtocolOptions'] as Record<string, Record<string, unknown>> | undefined)?.['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'];
  return Object.keys((opts?.['explicitHttpConfig'] as Record<string, unknown> | undefined) ?? {});
};

describe('MeshConfig connectTimeout (cluster_traffic_policy.go applyDefaultConnectionPool; DR tcp.connectTimeout wins in applyConnectionPool)', () => {
  it('sets every cluster\'s connect_timeout, the DestinationRule overriding it', () => {
    const out = run('connectTimeout: 3s', `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ratings, namespace: default}
spec: {host: ratings, trafficPolicy: {connectionPool: {tcp: {connectTimeout: 1s}}}}`);
    expect(cluster(out, REVIEWS)['connectTimeout']).toBe('3s');
    expect(cluster(out, 'PassthroughCluster')['connectTimeout']).toBe('3s');
    expect(cluster(out, 'inbound|9080||')['connectTimeout']).toBe('3s');
    expect(cluster(out, 'outbound|9080||ratings.default.svc.cluster.local')['connectTimeout']).toBe('1s');
  });
});

describe('MeshConfig tcpKeepalive (cluster.go applyTCPKeepalive / setKeepAliveSettings)', () => {
  const KEEPALIVE = 'tcpKeepalive: {probes: 9, time: 7200s, interval: 75s}';
  it('gives outbound, inbound and passthrough clusters upstream_connection_options.tcp_keepalive', () => {
    const out = run(KEEPALIVE);
    const want = { tcpKeepalive: { keepaliveProbes: 9, keepaliveTime: 7200, keepaliveInterval: 75 } };
    expect(cluster(out, REVIEWS)['upstreamConnectionOptions']).toEqual(want);
    expect(cluster(out, 'inbound|9080||')['upstreamConnectionOptions']).toEqual(want);
    expect(cluster(out, 'PassthroughCluster')['upstreamConnectionOptions']).toEqual(want);
  });

  it('a DestinationRule tcpKeepalive overrides only the fields it sets ("Apply/Override individual attributes")', () => {
    const out = run(KEEPALIVE, `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ratings, namespace: default}
spec: {host: ratings, trafficPolicy: {connectionPool: {tcp: {tcpKeepalive: {time: 60s}}}}}`);
    expect(cluster(out, 'outbound|9080||ratings.default.svc.cluster.local')['upstreamConnectionOptions']).toEqual({ tcpKeepalive: { keepaliveProbes: 9, keepaliveTime: 60, keepaliveInterval: 75 } });
  });

  it('unset: no upstream_connection_options unless the DestinationRule asks (then SO_KEEPALIVE with its fields)', () => {
    const out = run('{}');
    expect(cluster(out, REVIEWS)['upstreamConnectionOptions']).toBeUndefined();
  });
});

describe('MeshConfig h2UpgradePolicy (cluster_traffic_policy.go shouldH2Upgrade)', () => {
  it('UPGRADE makes HTTP ports explicit HTTP/2 unless the DestinationRule says DO_NOT_UPGRADE; TCP ports never', () => {
    const out = run('h2UpgradePolicy: UPGRADE', `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ratings, namespace: default}
spec: {host: ratings, trafficPolicy: {connectionPool: {http: {h2UpgradePolicy: DO_NOT_UPGRADE}}}}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: db, namespace: default}
spec: {hosts: [db.example.org], addresses: [240.0.0.9], ports: [{number: 5432, name: tcp, protocol: TCP}], resolution: STATIC, endpoints: [{address: 10.9.9.9}]}`);
    expect(upstreamProtocol(cluster(out, REVIEWS))).toEqual(['http2ProtocolOptions']);
    expect(upstreamProtocol(cluster(out, 'outbound|9080||ratings.default.svc.cluster.local'))).toEqual([]);
    expect(upstreamProtocol(cluster(out, 'outbound|5432||db.example.org'))).toEqual([]);
  });

  it('unset (istiod\'s DO_NOT_UPGRADE): HTTP/1.1 ports stay HTTP/1.1', () => {
    expect(upstreamProtocol(cluster(run('{}'), REVIEWS))).toEqual([]);
  });
});

describe('MeshConfig defaultHttpRetryPolicy (route.go BuildDefaultHTTPOutboundRoute and translateRoute "No VS policy set, use mesh defaults"; retry.go ConvertPolicy)', () => {
  const MESH = 'defaultHttpRetryPolicy: {attempts: 5, retryOn: "gateway-error,503"}';
  const custom = { retryOn: 'gateway-error,retriable-status-codes', numRetries: 5, retryHostPredicate: [{ name: 'envoy.retry_host_predicates.previous_hosts', typedConfig: { '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate' } }], hostSelectionRetryMaxAttempts: '5', retriableStatusCodes: [503] };

  it('replaces the default policy of routes without a VirtualService', () => {
    const r = route(run(MESH), 'details.default.svc.cluster.local:9080');
    expect((r['route'] as Record<string, unknown>)['retryPolicy']).toEqual(custom);
  });

  it('applies to VirtualService routes without retries; routes with retries keep theirs', () => {
    const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings, namespace: default}
spec: {hosts: [ratings], http: [{route: [{destination: {host: ratings}}]}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: details, namespace: default}
spec: {hosts: [details], http: [{retries: {attempts: 1}, route: [{destination: {host: details}}]}]}`;
    const out = run(MESH, vs);
    expect((route(out, 'ratings.default.svc.cluster.local:9080')['route'] as Record<string, unknown>)['retryPolicy']).toEqual(custom);
    expect(((route(out, 'details.default.svc.cluster.local:9080')['route'] as Record<string, unknown>)['retryPolicy'] as Record<string, unknown>)['numRetries']).toBe(1);
  });

  it('attempts 0 turns retries off where the default would apply', () => {
    const r = route(run('defaultHttpRetryPolicy: {attempts: 0}'), 'details.default.svc.cluster.local:9080');
    expect((r['route'] as Record<string, unknown>)['retryPolicy']).toBeUndefined();
  });
});

describe('MeshConfig tlsDefaults (cluster_tls.go applyTLSDefaults: SIMPLE/MUTUAL upstream contexts only)', () => {
  it('sets ECDH curves and cipher suites of a SIMPLE origination, not of istio mTLS', () => {
    const out = run('tlsDefaults: {ecdhCurves: [P-256], cipherSuites: [ECDHE-ECDSA-AES256-GCM-SHA384], minProtocolVersion: TLSV1_3}', `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: httpbin-ext, namespace: default}
spec: {host: httpbin.org, trafficPolicy: {tls: {mode: SIMPLE}}}`);
    const params = (c: Record<string, unknown>): unknown => {
      const ts = c['transportSocket'] as Record<string, Record<string, Record<string, unknown>>> | undefined;
      return ts?.['typedConfig']?.['commonTlsContext']?.['tlsParams'];
    };
    // minProtocolVersion is a downstream default (listener.go applyDownstreamTLSDefaults): TLSv1_2 stays.
    expect(params(cluster(out, 'outbound|80||httpbin.org'))).toEqual({ tlsMinimumProtocolVersion: 'TLSv1_2', tlsMaximumProtocolVersion: 'TLSv1_3', cipherSuites: ['ECDHE-ECDSA-AES256-GCM-SHA384'], ecdhCurves: ['P-256'] });
    const mtls = JSON.stringify(cluster(out, REVIEWS));
    expect(mtls).toContain('tlsMinimumProtocolVersion');
    expect(mtls).not.toContain('P-256');
  });
});

describe('MeshConfig outboundClusterStatName / inboundClusterStatName (cluster_builder.go buildCluster / buildInboundCluster; telemetry.go BuildStatPrefix)', () => {
  it.each([
    { name: 'Kubernetes service: %SERVICE% is name.namespace (shortHostName)', pattern: '%SERVICE%_%SUBSET_NAME%_%SERVICE_PORT_NAME%_%SERVICE_PORT%', cluster: REVIEWS_V1, want: 'reviews.default_v1_http_9080;' },
    { name: 'ServiceEntry: %SERVICE% is the host (cluster_test.go TestStatNamePattern)', pattern: '%SERVICE%_%SERVICE_PORT_NAME%_%SERVICE_PORT%', cluster: 'outbound|80||httpbin.org', want: 'httpbin.org_http_80;' },
    { name: '%SERVICE_NAME%, %SERVICE_FQDN% and %TARGET_PORT% (0 outbound)', pattern: '%SERVICE_NAME%|%SERVICE_FQDN%|%TARGET_PORT%', cluster: REVIEWS, want: 'reviews|reviews.default.svc.cluster.local|0;' },
  ])('outbound $name', ({ pattern, cluster: name, want }) => {
    expect(cluster(run(`outboundClusterStatName: "${pattern}"`), name)['altStatName']).toBe(want);
  });

  it('inbound: LocalService_%SERVICE% (cluster_test.go TestStatNamePattern) with the service port and target port', () => {
    expect(cluster(run('inboundClusterStatName: "LocalService_%SERVICE%"'), 'inbound|9080||')['altStatName']).toBe('LocalService_productpage.default;');
    expect(cluster(run('inboundClusterStatName: "%SERVICE_PORT%-%TARGET_PORT%-%SERVICE_PORT_NAME%"'), 'inbound|9080||')['altStatName']).toBe('9080-9080-http;');
  });

  it('unset: the cluster name with the delimiter', () => {
    expect(cluster(run('{}'), REVIEWS_V1)['altStatName']).toBe(`${REVIEWS_V1};`);
  });
});

describe('Envoy acceptance of what these settings generate', () => {
  it('every mesh default together, retryRemoteLocalities and locality weights pass the PGV and semantic checks (typed_config types known)', () => {
    const out = run(`connectTimeout: 3s
tcpKeepalive: {probes: 9, time: 7200s, interval: 75s}
h2UpgradePolicy: UPGRADE
defaultHttpRetryPolicy: {attempts: 3, retryRemoteLocalities: true}
tlsDefaults: {ecdhCurves: [P-256], cipherSuites: [ECDHE-ECDSA-AES256-GCM-SHA384]}
outboundClusterStatName: "%SERVICE%_%SUBSET_NAME%"
inboundClusterStatName: "in_%SERVICE%"
localityLbSetting: {distribute: [{from: "*", to: {"*": 100}}]}`, `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: httpbin-ext, namespace: default}
spec: {host: httpbin.org, trafficPolicy: {tls: {mode: SIMPLE}, outlierDetection: {}}}`);
    const details = route(out, 'details.default.svc.cluster.local:9080');
    expect(((details['route'] as Record<string, unknown>)['retryPolicy'] as Record<string, unknown>)['retryPriority']).toEqual({
      name: 'envoy.retry_priorities.previous_priorities',
      typedConfig: { '@type': 'type.googleapis.com/envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig', updateFrequency: 2 },
    });
    expect(checkEnvoyResources(out).violations.map(formatViolation)).toEqual([]);
  });
});
