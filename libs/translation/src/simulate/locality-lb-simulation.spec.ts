import { loadYaml, parseMeshConfig, type ConfigObject, type MeshConfig } from '@minipilot/config';
import type { clusterV3, endpointV3 } from '@minipilot/envoy-api';
import { translate } from '../translate.js';
import type { ProxyNodeInput } from '../proxy.js';

// Locality load balancing: the EDS priorities and weights istiod gives each locality of
// `outbound|8080||test.default.svc.cluster.local` from the calling proxy's locality and labels.
// Every row is a case of istiod's pilot/pkg/networking/core/loadbalancer/loadbalancer_test.go
// (TestApplyLocalitySetting subtests) or loadbalancer_simulation_test.go, stated through real
// config: the test fixtures' localities become Pods with topology labels, their meshConfig and
// DestinationRule become ours, and the expected priorities/weights are istiod's, not ours.
// istiod groups one LocalityLbEndpoints per locality (endpoint_builder.go generate); where a
// fixture lists a locality twice, the expectation is stated per endpoint address.

const CLUSTER = 'outbound|8080||test.default.svc.cluster.local';

interface Workload {
  readonly ip: string;
  readonly locality: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** A Service `test` (port 8080) with one Pod per workload, its locality as the Node topology labels would give it. */
function world(workloads: readonly Workload[], destinationRule: string): ConfigObject[] {
  const pods = workloads.map((w, i) => {
    const [region = '', zone = '', subzone = ''] = w.locality.split('/');
    const labels = {
      app: 'test',
      ...(region ? { 'topology.kubernetes.io/region': region } : {}),
      ...(zone ? { 'topology.kubernetes.io/zone': zone } : {}),
      ...(subzone ? { 'topology.istio.io/subzone': subzone } : {}),
      ...w.labels,
    };
    return `apiVersion: v1
kind: Pod
metadata: {name: test-${i}, namespace: default, labels: ${JSON.stringify(labels)}}
status: {phase: Running, podIP: ${w.ip}}`;
  });
  const yaml = [
    `apiVersion: v1
kind: Service
metadata: {name: test, namespace: default}
spec: {clusterIP: 10.96.0.100, selector: {app: test}, ports: [{name: http, port: 8080}]}`,
    ...pods,
    `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: acme, namespace: default}
spec: {host: test.default.svc.cluster.local, trafficPolicy: ${destinationRule}}`,
  ].join('\n---\n');
  const r = loadYaml(yaml, 'locality.yaml');
  expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return [...r.objects];
}

function mesh(yaml: string): MeshConfig {
  const r = parseMeshConfig(yaml);
  expect(r.problems).toEqual([]);
  return r.mesh;
}

/** A client sidecar at `locality` (sent as Envoy's node.locality, as istio-agent does) with `labels`. */
function client(locality: string, labels: Record<string, string> = {}): ProxyNodeInput {
  const [region = '', zone = '', subZone = ''] = locality.split('/');
  return { id: 'sidecar~10.244.9.9~client-0.default~default.svc.cluster.local', metadata: { LABELS: labels }, locality: { region, zone, subZone } };
}

function assignment(objects: readonly ConfigObject[], proxy: ProxyNodeInput, m?: MeshConfig): endpointV3.ClusterLoadAssignment {
  const cla = translate(objects, proxy, m ? { mesh: m } : {}).endpoints.find((c) => c.clusterName === CLUSTER);
  expect(cla).toBeDefined();
  return cla!;
}

const addresses = (g: endpointV3.LocalityLbEndpoints): string[] => g.lbEndpoints.map((e) => (e.hostIdentifier.case === 'endpoint' ? e.hostIdentifier.value.address?.address?.case === 'socketAddress' ? e.hostIdentifier.value.address.address.value.address : '' : ''));
const localityName = (g: endpointV3.LocalityLbEndpoints): string => [g.locality?.region, g.locality?.zone, g.locality?.subZone].filter((p) => p).join('/');

/** Address → priority of its LocalityLbEndpoints. */
function priorities(cla: endpointV3.ClusterLoadAssignment): Record<string, number> {
  return Object.fromEntries(cla.endpoints.flatMap((g) => addresses(g).map((a) => [a, g.priority])));
}

// buildFakeCluster's localities, one endpoint each (region1/zone1/subzone1 twice in the fixture).
const FAKE_CLUSTER: readonly Workload[] = [
  { ip: '10.0.0.1', locality: 'region1/zone1/subzone1' },
  { ip: '10.0.0.2', locality: 'region1/zone1/subzone1' },
  { ip: '10.0.0.3', locality: 'region1/zone1/subzone2' },
  { ip: '10.0.0.4', locality: 'region1/zone1/subzone3' },
  { ip: '10.0.0.5', locality: 'region1/zone2' },
  { ip: '10.0.0.6', locality: 'region2' },
  { ip: '10.0.0.7', locality: 'region3' },
];
const PROXY = 'region1/zone1/subzone1';
const FAILOVER_MESH = 'localityLbSetting: {failover: [{from: region1, to: region2}]}';
const OUTLIER = '{outlierDetection: {}}';

describe('locality failover priorities (TestApplyLocalitySetting)', () => {
  const rows: { name: string; source: string; workloads: readonly Workload[]; mesh?: string; dr: string; expected: Record<string, number> }[] = [
    {
      name: 'all priorities: same subzone 0, same zone 1, same region 2, the failover region 3, other regions 4',
      source: 'loadbalancer_test.go TestApplyLocalitySetting "Failover: all priorities" (buildFakeCluster, buildEnvForClustersWithFailover)',
      workloads: FAKE_CLUSTER, mesh: FAILOVER_MESH, dr: OUTLIER,
      expected: { '10.0.0.1': 0, '10.0.0.2': 0, '10.0.0.3': 1, '10.0.0.4': 1, '10.0.0.5': 2, '10.0.0.6': 3, '10.0.0.7': 4 },
    },
    {
      name: 'priorities with gaps are renumbered without skipping',
      source: 'loadbalancer_test.go TestApplyLocalitySetting "Failover: priorities with gaps" (buildSmallCluster)',
      workloads: [{ ip: '10.0.1.1', locality: 'region1/zone1/subzone2' }, { ip: '10.0.1.2', locality: 'region2/zone1/subzone2' }, { ip: '10.0.1.3', locality: 'region2/zone1/subzone2' }],
      mesh: FAILOVER_MESH, dr: OUTLIER,
      expected: { '10.0.1.1': 0, '10.0.1.2': 1, '10.0.1.3': 1 },
    },
    {
      name: 'an endpoint without locality ranks after the failover region',
      source: 'loadbalancer_test.go TestApplyLocalitySetting "Failover: priorities with some nil localities" (buildSmallClusterWithNilLocalities)',
      workloads: [{ ip: '10.0.2.1', locality: 'region1/zone1/subzone2' }, { ip: '10.0.2.2', locality: '' }, { ip: '10.0.2.3', locality: 'region2/zone1/subzone2' }],
      mesh: FAILOVER_MESH, dr: OUTLIER,
      expected: { '10.0.2.1': 0, '10.0.2.2': 2, '10.0.2.3': 1 },
    },
    {
      name: 'locality LB disabled in the DestinationRule: every locality at priority 0',
      source: 'loadbalancer_test.go TestApplyLocalitySetting "Failover: with locality lb disabled" and TestGetEffectiveLbSetting "dr locality disabled overrides mesh locality enabled"',
      workloads: FAKE_CLUSTER, mesh: FAILOVER_MESH, dr: '{outlierDetection: {}, loadBalancer: {localityLbSetting: {enabled: false}}}',
      expected: { '10.0.0.1': 0, '10.0.0.2': 0, '10.0.0.3': 0, '10.0.0.4': 0, '10.0.0.5': 0, '10.0.0.6': 0, '10.0.0.7': 0 },
    },
    {
      name: 'no outlier detection: no failover priorities ("Failover should only be applied with outlier detection")',
      source: 'endpoint_builder.go getOutlierDetectionAndLoadBalancerSettings + loadbalancer.go ApplyLocalityLoadBalancer (enableFailover false)',
      workloads: FAKE_CLUSTER, mesh: FAILOVER_MESH, dr: '{loadBalancer: {simple: ROUND_ROBIN}}',
      expected: { '10.0.0.1': 0, '10.0.0.2': 0, '10.0.0.3': 0, '10.0.0.4': 0, '10.0.0.5': 0, '10.0.0.6': 0, '10.0.0.7': 0 },
    },
    {
      name: 'the default mesh ({enabled: true}) with outlier detection alone still fails over by distance, without failover regions',
      source: 'mesh.go DefaultMeshConfig LocalityLbSetting{Enabled: true}; endpoint_builder.go note "enabling outlier detection ... will automatically activate locality LB failover"',
      workloads: FAKE_CLUSTER, dr: OUTLIER,
      expected: { '10.0.0.1': 0, '10.0.0.2': 0, '10.0.0.3': 1, '10.0.0.4': 1, '10.0.0.5': 2, '10.0.0.6': 3, '10.0.0.7': 3 },
    },
    {
      name: 'a DestinationRule localityLbSetting replaces the mesh one (dr locality wins over mesh locality)',
      source: 'loadbalancer_test.go TestGetEffectiveLbSetting "dr locality wins over mesh locality"',
      workloads: FAKE_CLUSTER, mesh: FAILOVER_MESH, dr: '{outlierDetection: {}, loadBalancer: {localityLbSetting: {failover: [{from: region1, to: region3}]}}}',
      expected: { '10.0.0.1': 0, '10.0.0.2': 0, '10.0.0.3': 1, '10.0.0.4': 1, '10.0.0.5': 2, '10.0.0.6': 4, '10.0.0.7': 3 },
    },
  ];
  it.each(rows)('$name ($source)', ({ workloads, mesh: m, dr, expected }) => {
    expect(priorities(assignment(world(workloads, dr), client(PROXY), m ? mesh(m) : undefined))).toEqual(expected);
  });

  it('the priorities follow the proxy: the same config seen from region2 puts region2 first', () => {
    // LbPriority from region2/zone1: region2 (no zone) same region → 2; region1 and region3 → 3
    // (the mesh failover rule is for region1 only). Renumbered: region2 → 0, others → 1.
    const p = priorities(assignment(world(FAKE_CLUSTER, OUTLIER), client('region2/zone1'), mesh(FAILOVER_MESH)));
    expect(p).toEqual({ '10.0.0.1': 1, '10.0.0.2': 1, '10.0.0.3': 1, '10.0.0.4': 1, '10.0.0.5': 1, '10.0.0.6': 0, '10.0.0.7': 1 });
  });
});

describe('locality weights (TestApplyLocalitySetting "Distribute")', () => {
  it('distribution between subzones: 80/15/5 by locality, unlisted localities emptied', () => {
    // istiod expects weights [40, 40, 15, 5, 0, 0, 0] for its fixture, which lists
    // region1/zone1/subzone1 twice: one locality of two endpoints here, so 40 + 40 = 80.
    const dr = '{loadBalancer: {localityLbSetting: {distribute: [{from: region1/zone1/subzone1, to: {"region1/zone1/subzone1": 80, "region1/zone1/subzone2": 15, "region1/zone1/subzone3": 5}}]}}}';
    const cla = assignment(world(FAKE_CLUSTER, dr), client(PROXY));
    const byLocality = Object.fromEntries(cla.endpoints.map((g) => [localityName(g), { weight: g.loadBalancingWeight, endpoints: addresses(g).length }]));
    expect(byLocality).toEqual({
      'region1/zone1/subzone1': { weight: 80, endpoints: 2 },
      'region1/zone1/subzone2': { weight: 15, endpoints: 1 },
      'region1/zone1/subzone3': { weight: 5, endpoints: 1 },
      'region1/zone2': { weight: 1, endpoints: 0 },
      region2: { weight: 1, endpoints: 0 },
      region3: { weight: 1, endpoints: 0 },
    });
    expect(cla.endpoints.every((g) => g.priority === 0)).toBe(true);
  });

  it('a proxy no distribute rule is `from` keeps the plain weights (applyLocalityWeights matches none)', () => {
    const dr = '{loadBalancer: {localityLbSetting: {distribute: [{from: region1/zone1/subzone1, to: {"region1/zone1/subzone1": 100}}]}}}';
    const cla = assignment(world(FAKE_CLUSTER, dr), client('region3'));
    expect(cla.endpoints.map((g) => [localityName(g), g.loadBalancingWeight, addresses(g).length])).toEqual([
      ['region1/zone1/subzone1', 2, 2], ['region1/zone1/subzone2', 1, 1], ['region1/zone1/subzone3', 1, 1], ['region1/zone2', 1, 1], ['region2', 1, 1], ['region3', 1, 1],
    ]);
  });
});

describe('failoverPriority (TestApplyLocalitySetting "FailoverPriority")', () => {
  // buildWrappedLocalityLbEndpoints: three localities of two endpoints with network/cluster labels.
  const NET = 'topology.istio.io/network';
  const CL = 'topology.istio.io/cluster';
  const wrapped: readonly Workload[] = [
    { ip: '10.1.0.1', locality: 'region1/zone1/subzone1', labels: { [NET]: 'n1', [CL]: 'c1' } },
    { ip: '10.1.0.2', locality: 'region1/zone1/subzone1', labels: { key: 'value', [NET]: 'n2', [CL]: 'c2' } },
    { ip: '10.1.0.3', locality: 'region2/zone2/subzone2', labels: { key: 'value', [NET]: 'n1', [CL]: 'c3' } },
    { ip: '10.1.0.4', locality: 'region2/zone2/subzone2', labels: { key: 'value', [NET]: 'n2', [CL]: 'c4' } },
    { ip: '10.1.0.5', locality: 'region3/zone3/subzone3', labels: { key: 'value', [NET]: 'n1', [CL]: 'c1' } },
    { ip: '10.1.0.6', locality: 'region3/zone3/subzone3', labels: { key: 'value', [NET]: 'n2', [CL]: 'c2' } },
  ];
  const rows: { name: string; priority: string[]; labels: Record<string, string>; expected: Record<string, number> }[] = [
    { name: 'match none label', priority: [NET, CL], labels: { [NET]: 'test', [CL]: 'test' }, expected: { '10.1.0.1': 0, '10.1.0.2': 0, '10.1.0.3': 0, '10.1.0.4': 0, '10.1.0.5': 0, '10.1.0.6': 0 } },
    { name: 'match network label', priority: [NET, CL], labels: { [NET]: 'n1', [CL]: 'test' }, expected: { '10.1.0.1': 0, '10.1.0.2': 1, '10.1.0.3': 0, '10.1.0.4': 1, '10.1.0.5': 0, '10.1.0.6': 1 } },
    { name: 'priority assignment as per the overridden value', priority: [`${NET}=n1`], labels: { [NET]: 'n2', [CL]: 'test' }, expected: { '10.1.0.1': 0, '10.1.0.2': 1, '10.1.0.3': 0, '10.1.0.4': 1, '10.1.0.5': 0, '10.1.0.6': 1 } },
  ];
  it.each(rows)('$name (loadbalancer_test.go TestApplyLocalitySetting/FailoverPriority)', ({ priority, labels, expected }) => {
    const dr = `{outlierDetection: {}, loadBalancer: {localityLbSetting: {failoverPriority: ${JSON.stringify(priority)}}}}`;
    const cla = assignment(world(wrapped, dr), client(PROXY, labels));
    expect(priorities(cla)).toEqual(expected);
    // Each locality is split by priority, each part weighted by its own endpoints.
    for (const g of cla.endpoints) expect(g.loadBalancingWeight).toBe(g.lbEndpoints.length);
  });

  it('with failover regions too: label matches first, then the distance to the proxy (FailoverPriority with Failover "match all labels")', () => {
    // buildWrappedLocalityLbEndpointsForFailoverPriorityWithFailover, mesh failover region1 → region2.
    const six: readonly Workload[] = [
      { ip: '10.2.0.1', locality: 'region1/zone1/subzone1', labels: { [NET]: 'n1', [CL]: 'c1' } },
      { ip: '10.2.0.2', locality: 'region1/zone2/subzone2', labels: { key: 'value', [NET]: 'n2', [CL]: 'c2' } },
      { ip: '10.2.0.3', locality: 'region2/zone2/subzone2', labels: { key: 'value', [NET]: 'n1', [CL]: 'c3' } },
      { ip: '10.2.0.4', locality: 'region3/zone3/subzone3', labels: { key: 'value', [NET]: 'n2', [CL]: 'c4' } },
      { ip: '10.2.0.5', locality: 'region2/zone2/subzone2', labels: { [NET]: 'n2', [CL]: 'c2' } },
      { ip: '10.2.0.6', locality: 'region3/zone3/subzone3', labels: { key: 'value', [NET]: 'n1', [CL]: 'c6' } },
    ];
    const m = mesh(`localityLbSetting: {failoverPriority: [${NET}, ${CL}], failover: [{from: region1, to: region2}]}`);
    const cla = assignment(world(six, OUTLIER), client(PROXY, { [NET]: 'n2', [CL]: 'c2' }), m);
    // istiod's comments: 2.2.2.2 "highest priority because of label matching and same region" 0,
    // 5.5.5.5 "matching the same failoverPriority but different locality" 1, 4.4.4.4 "match the
    // first label of failoverPriority but not the second" 2, 1.1.1.1 3, 3.3.3.3 4, 6.6.6.6 5.
    expect(priorities(cla)).toEqual({ '10.2.0.2': 0, '10.2.0.5': 1, '10.2.0.4': 2, '10.2.0.1': 3, '10.2.0.3': 4, '10.2.0.6': 5 });
  });
});

describe('DNS clusters and the cluster-level locality config', () => {
  it('a DNS ServiceEntry splits its inline endpoints by failoverPriority (loadbalancer_simulation_test.go TestFailoverPriorityWithDNSServiceEntry)', () => {
    const r = loadYaml(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: dns-service, namespace: default}
spec:
  hosts: [dns-service.example.org]
  ports: [{number: 443, name: https, protocol: HTTPS}]
  location: MESH_EXTERNAL
  resolution: DNS
  endpoints:
  - {address: www.foo.com, labels: {priority: "1"}}
  - {address: www.bar.com, labels: {priority: "2"}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: dns-service, namespace: default}
spec: {host: dns-service.example.org, trafficPolicy: {outlierDetection: {}, loadBalancer: {localityLbSetting: {failoverPriority: [priority]}}}}`, 'dns.yaml');
    const c = translate(r.objects, client('region1/zone1/subzone1', { priority: '1' })).clusters.find((x) => x.name === 'outbound|443||dns-service.example.org');
    expect(c?.loadAssignment?.endpoints.map((g) => [addresses(g), g.priority])).toEqual([[['www.foo.com'], 0], [['www.bar.com'], 1]]);
  });

  it('mesh distribute over weighted ServiceEntry endpoints: a wildcard target shares its weight by endpoint weight (cluster_test.go TestSidecarLocalityLB)', () => {
    const r = loadYaml(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: weighted, namespace: default}
spec:
  hosts: [weighted.example.org]
  ports: [{number: 8080, name: http, protocol: HTTP}]
  resolution: DNS
  endpoints:
  - {address: 10.3.0.1, locality: region1/zone1/subzone1, weight: 40}
  - {address: 10.3.0.2, locality: region1/zone1/subzone2, weight: 20}
  - {address: 10.3.0.3, locality: region2/zone1/subzone1, weight: 40}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: weighted, namespace: default}
spec: {host: weighted.example.org, trafficPolicy: {outlierDetection: {minHealthPercent: 10}}}`, 'weighted.yaml');
    const m = mesh('localityLbSetting: {distribute: [{from: region1/zone1/subzone1, to: {"region1/zone1/*": 50, "region2/zone1/subzone1": 50}}]}');
    const c = translate(r.objects, client('region1/zone1/subzone1'), { mesh: m }).clusters.find((x) => x.name === 'outbound|8080||weighted.example.org');
    // istiod: subzone1 locality 34 (endpoint 40), subzone2 17 (endpoint 20), region2 50 (endpoint 40).
    expect(c?.loadAssignment?.endpoints.map((g) => [localityName(g), g.loadBalancingWeight, g.lbEndpoints.map((e) => e.loadBalancingWeight)])).toEqual([
      ['region1/zone1/subzone1', 34, [40]], ['region1/zone1/subzone2', 17, [20]], ['region2/zone1/subzone1', 50, [40]],
    ]);
    expect(c?.commonLbConfig?.healthyPanicThreshold?.value).toBe(10);
  });

  const lbConfig = (c: clusterV3.Cluster | undefined): string | undefined => c?.commonLbConfig?.localityConfigSpecifier.case;
  it.each([
    { dr: '{outlierDetection: {}, loadBalancer: {localityLbSetting: {failover: [{from: region1, to: region2}]}}}', want: 'localityWeightedLbConfig' },
    { dr: '{outlierDetection: {}, loadBalancer: {localityLbSetting: {failoverPriority: [app]}}}', want: 'localityWeightedLbConfig' },
    { dr: '{loadBalancer: {localityLbSetting: {distribute: [{from: "*", to: {"region1/*": 100}}]}}}', want: 'localityWeightedLbConfig' },
    { dr: '{loadBalancer: {localityLbSetting: {failover: [{from: region1, to: region2}]}}}', want: undefined },
    { dr: OUTLIER, want: undefined },
  ])('locality_weighted_lb_config for $dr: $want (loadbalancer.go LocalityLBSettings.ApplyToCluster)', ({ dr, want }) => {
    const c = translate(world(FAKE_CLUSTER, dr), client(PROXY)).clusters.find((x) => x.name === CLUSTER);
    expect(lbConfig(c)).toBe(want);
  });
});

describe('where localities come from (kube controller.go getPodLocality, ads.go setTopologyLabels)', () => {
  const yaml = `apiVersion: v1
kind: Node
metadata: {name: node-east, labels: {topology.kubernetes.io/region: us-east, topology.kubernetes.io/zone: us-east-1a}}
---
apiVersion: v1
kind: Node
metadata: {name: node-west, labels: {failure-domain.beta.kubernetes.io/region: us-west, failure-domain.beta.kubernetes.io/zone: us-west-1b}}
---
apiVersion: v1
kind: Service
metadata: {name: test, namespace: default}
spec: {clusterIP: 10.96.0.100, selector: {app: test}, ports: [{name: http, port: 8080}]}
---
apiVersion: v1
kind: Pod
metadata: {name: east-0, namespace: default, labels: {app: test}}
spec: {nodeName: node-east}
status: {phase: Running, podIP: 10.4.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: west-0, namespace: default, labels: {app: test}}
spec: {nodeName: node-west}
status: {phase: Running, podIP: 10.4.0.2}
---
apiVersion: v1
kind: Pod
metadata: {name: moved-0, namespace: default, labels: {app: test, topology.istio.io/locality: eu.eu-1.rack-9}}
spec: {nodeName: node-east}
status: {phase: Running, podIP: 10.4.0.3}
---
apiVersion: v1
kind: Pod
metadata: {name: worker-0, namespace: default, labels: {app: worker}}
spec: {nodeName: node-west}
status: {phase: Running, podIP: 10.4.0.9}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: acme, namespace: default}
spec: {host: test.default.svc.cluster.local, trafficPolicy: {outlierDetection: {}}}`;
  const objs = (): ConfigObject[] => [...loadYaml(yaml, 'nodes.yaml').objects];

  it('endpoints take their Node\'s topology labels (GA or beta), a locality label on the Pod overriding them', () => {
    const cla = assignment(objs(), client('us-east/us-east-1a'));
    expect(Object.fromEntries(cla.endpoints.map((g) => [addresses(g).join(','), localityName(g)]))).toEqual({
      '10.4.0.1': 'us-east/us-east-1a', '10.4.0.2': 'us-west/us-west-1b', '10.4.0.3': 'eu/eu-1/rack-9',
    });
    expect(priorities(cla)).toEqual({ '10.4.0.1': 0, '10.4.0.2': 1, '10.4.0.3': 1 });
  });

  it('a proxy whose Pod is in the registry takes its Node\'s locality over the node.locality it sends', () => {
    // worker-0 runs on node-west: us-west endpoints come first although its Envoy node says us-east.
    const proxy = { id: 'sidecar~10.4.0.9~worker-0.default~default.svc.cluster.local', locality: { region: 'us-east', zone: 'us-east-1a' } };
    expect(priorities(assignment(objs(), proxy))).toEqual({ '10.4.0.1': 1, '10.4.0.2': 0, '10.4.0.3': 1 });
  });
});
