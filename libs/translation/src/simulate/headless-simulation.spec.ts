import { clusterV3 } from '@minipilot/envoy-api';
import { loadYaml, type ConfigObject } from '@minipilot/config';
import { simulate, translate } from '../translate.js';
import type { SimulationRequest } from './request.js';
import { ISTIO_SIMULATION_PORTS, simulationSteps, type SimulationSteps } from '../testing/simulation-table.js';

// Family 1 of issue 10: headless Services (clusterIP: None). Every expectation comes from istiod:
// - sidecar_simulation_test.go TestHeadlessServices: a call to the pod IP on each port reaches
//   outbound|PORT||headless.default.svc.cluster.local, whatever the protocol of the port;
// - listener.go buildSidecarOutboundListeners ("Support statefulsets/headless services with TCP
//   ports"): TCP and sniffed ports get one listener per endpoint, <podIP>_<port>; HTTP ports stay on
//   0.0.0.0_<port> with the port's route configuration; buildSidecarOutboundHTTPListenerOpts: a
//   sniffed listener not bound to the wildcard fetches the route configuration <fqdn>:<port>;
// - tls.go buildSidecarOutboundTLSFilterChainOpts: no SNI match on a listener bound to the pod IP;
// - sidecar_simulation_test.go TestHeadlessServiceListenerShape "cidr_listener_disabled" (the
//   default): one listener per pod IP beside the ClusterIP service's HTTP listener on the same port;
// - httproute.go generateVirtualHostDomains: a Passthrough Kubernetes service's domains are repeated
//   behind "*." (StatefulSet pod names such as web-0.headless.default.svc.cluster.local);
// - cluster_builder.go / conversion.go: clusterIP None is resolution Passthrough, an ORIGINAL_DST
//   cluster with lb_policy CLUSTER_PROVIDED on sidecars, and no EDS assignment.

/** TestHeadlessServices' Service and EndpointSlice (one endpoint, 1.2.3.4), plus a StatefulSet-style pod name on it. */
const headless = (): ConfigObject[] => [...loadYaml(`apiVersion: v1
kind: Service
metadata: {name: headless, namespace: default}
spec:
  clusterIP: None
  selector: {app: headless}
  ports:${ISTIO_SIMULATION_PORTS}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: headless
  namespace: default
  labels: {kubernetes.io/service-name: headless}
endpoints:
- addresses: [1.2.3.4]
  hostname: web-0
ports:${ISTIO_SIMULATION_PORTS}
`).objects];

const node = { id: 'sidecar~10.244.0.10~client-0.default~default.svc.cluster.local' };
const HOST = 'headless.default.svc.cluster.local';
const cluster = (port: number): string => `outbound|${port}||${HOST}`;


describe('headless Service: a call to the pod IP reaches outbound|PORT||headless (TestHeadlessServices)', () => {
  const objs = headless();
  const rows: [string, SimulationRequest, SimulationSteps][] = [
    // HTTP port: the shared 0.0.0.0_80 listener, RDS "80", the service's virtual host.
    ['http-80', { address: '1.2.3.4', port: 80, protocol: 'http', host: HOST }, { listener: '0.0.0.0_80', routeConfig: '80', virtualHost: `${HOST}:80`, cluster: cluster(80) }],
    // Auto port: the per-endpoint listener; HTTP goes through RDS "<fqdn>:81", anything else takes the TCP chain.
    ['http-81', { address: '1.2.3.4', port: 81, protocol: 'http', host: HOST }, { listener: '1.2.3.4_81', routeConfig: `${HOST}:81`, virtualHost: `${HOST}:81`, cluster: cluster(81) }],
    ['http-tls-81', { address: '1.2.3.4', port: 81, protocol: 'http', tls: 'tls', host: HOST }, { listener: '1.2.3.4_81', cluster: cluster(81) }],
    ['tcp-81', { address: '1.2.3.4', port: 81, protocol: 'tcp', host: HOST }, { listener: '1.2.3.4_81', cluster: cluster(81) }],
    ['tcp-82', { address: '1.2.3.4', port: 82, protocol: 'tcp', host: HOST }, { listener: '1.2.3.4_82', cluster: cluster(82) }],
    // TLS and HTTPS with a short host name as SNI: no SNI match on a pod-IP listener.
    ['tls-83', { address: '1.2.3.4', port: 83, protocol: 'tcp', tls: 'tls', host: 'headless.default' }, { listener: '1.2.3.4_83', cluster: cluster(83) }],
    ['https-84', { address: '1.2.3.4', port: 84, protocol: 'http', tls: 'tls', host: 'headless.default' }, { listener: '1.2.3.4_84', cluster: cluster(84) }],
  ];
  it.each(rows)('%s', (_name, request, want) => {
    expect(simulationSteps(simulate(objs, node, request))).toEqual(want);
  });
});

describe('headless Service: StatefulSet pod names (generateVirtualHostDomains "*." domains)', () => {
  const objs = headless();
  it.each(['web-0.headless.default.svc.cluster.local', 'web-0.headless', 'web-0.headless.default', 'web-0.headless.default.svc'])('GET %s:80 reaches the headless virtual host', (host) => {
    expect(simulationSteps(simulate(objs, node, { address: '1.2.3.4', port: 80, protocol: 'http', host }))).toEqual({
      listener: '0.0.0.0_80', routeConfig: '80', virtualHost: `${HOST}:80`, cluster: cluster(80),
    });
  });

  it('HTTP to a pod name on the sniffed port is routed by the per-endpoint listener\'s own route configuration', () => {
    expect(simulate(objs, node, { address: '1.2.3.4', port: 81, protocol: 'http', host: 'web-0.headless.default.svc.cluster.local' }).cluster).toBe(cluster(81));
  });

  it('a host of another service on the HTTP port still falls to allow_any', () => {
    expect(simulationSteps(simulate(objs, node, { address: '1.2.3.4', port: 80, protocol: 'http', host: 'web-0.other.default.svc.cluster.local' }))).toEqual({
      listener: '0.0.0.0_80', routeConfig: '80', virtualHost: 'allow_any', cluster: 'PassthroughCluster',
    });
  });
});

describe('headless Service: clusters and endpoints (cluster_builder.go, resolution Passthrough)', () => {
  const res = translate(headless(), node);
  it.each([80, 81, 82, 83, 84])('outbound|%i||headless is ORIGINAL_DST with CLUSTER_PROVIDED and no EDS assignment', (port) => {
    const c = res.clusters.find((x) => x.name === cluster(port));
    expect(c?.clusterDiscoveryType).toEqual({ case: 'type', value: clusterV3.Cluster_DiscoveryType.ORIGINAL_DST });
    expect(c?.lbPolicy).toBe(clusterV3.Cluster_LbPolicy.CLUSTER_PROVIDED);
    expect(res.endpoints.some((e) => e.clusterName === cluster(port))).toBe(false);
  });
});

describe('headless TCP StatefulSet beside an HTTP ClusterIP service on the same port (TestHeadlessServiceListenerShape, flag off)', () => {
  const objs = [...loadYaml(`apiVersion: v1
kind: Service
metadata: {name: mystatefulset, namespace: default}
spec:
  clusterIP: None
  selector: {app: mystatefulset}
  ports:
  - {name: tcp, port: 8080, protocol: TCP}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: mystatefulset
  namespace: default
  labels: {kubernetes.io/service-name: mystatefulset}
endpoints:
- addresses: [10.0.0.1]
- addresses: [10.0.0.2]
- addresses: [10.0.0.3]
ports:
- {name: tcp, port: 8080, protocol: TCP}
---
apiVersion: v1
kind: Service
metadata: {name: httpservice, namespace: default}
spec:
  clusterIP: 10.96.1.1
  ports:
  - {name: http, port: 8080, protocol: TCP}
`).objects];

  it('one listener per pod IP plus the shared HTTP listener on 8080', () => {
    const names = translate(objs, node).listeners.map((l) => l.name).filter((n) => n.endsWith('_8080')).sort();
    expect(names).toEqual(['0.0.0.0_8080', '10.0.0.1_8080', '10.0.0.2_8080', '10.0.0.3_8080']);
  });

  it.each(['10.0.0.1', '10.0.0.2', '10.0.0.3'])('TCP to pod %s reaches outbound|8080||mystatefulset', (address) => {
    expect(simulationSteps(simulate(objs, node, { address, port: 8080, protocol: 'tcp' }))).toEqual({ listener: `${address}_8080`, cluster: 'outbound|8080||mystatefulset.default.svc.cluster.local' });
  });

  it('HTTP to the ClusterIP service keeps its 0.0.0.0_8080 route', () => {
    expect(simulationSteps(simulate(objs, node, { address: '10.96.1.1', port: 8080, protocol: 'http', host: 'httpservice' }))).toEqual({
      listener: '0.0.0.0_8080', routeConfig: '8080', virtualHost: 'httpservice.default.svc.cluster.local:8080', cluster: 'outbound|8080||httpservice.default.svc.cluster.local',
    });
  });
});

describe('headless Service without endpoints (listener.go: a Kubernetes Service with no endpoints gets no per-endpoint listener)', () => {
  const objs = [...loadYaml(`apiVersion: v1
kind: Service
metadata: {name: empty, namespace: default}
spec:
  clusterIP: None
  ports:
  - {name: tcp, port: 9000}
`).objects];
  it('TCP to any address on the port falls through virtualOutbound to PassthroughCluster', () => {
    expect(simulationSteps(simulate(objs, node, { address: '1.2.3.4', port: 9000, protocol: 'tcp' }))).toEqual({ listener: 'virtualOutbound', cluster: 'PassthroughCluster' });
  });
});

describe('ServiceEntry with resolution NONE, no addresses, selecting pods (listener.go: the same per-endpoint listeners)', () => {
  const entry = (selector: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: db, namespace: default}
spec:
  hosts: [db.example.internal]
  location: MESH_INTERNAL
  resolution: NONE
  ports: [{name: tcp, number: 5432, protocol: TCP}]
  workloadSelector: {labels: {app: ${selector}}}`;
  const pods = ['10.20.0.1', '10.20.0.2'].map((ip, i) => `apiVersion: v1
kind: Pod
metadata: {name: db-${i}, namespace: default, labels: {app: db}}
spec: {}
status: {phase: Running, podIP: ${ip}}`);
  const objs = [...loadYaml([entry('db'), ...pods].join('\n---\n')).objects];
  it.each(['10.20.0.1', '10.20.0.2'])('TCP to pod %s reaches outbound|5432||db.example.internal on its own listener', (address) => {
    expect(simulationSteps(simulate(objs, node, { address, port: 5432, protocol: 'tcp' }))).toEqual({ listener: `${address}_5432`, cluster: 'outbound|5432||db.example.internal' });
  });
  it('TCP to another address on the port is not captured by the entry (virtualOutbound)', () => {
    expect(simulationSteps(simulate(objs, node, { address: '10.20.0.9', port: 5432, protocol: 'tcp' }))).toEqual({ listener: 'virtualOutbound', cluster: 'PassthroughCluster' });
  });
  it('a workloadSelector that selects nothing yet makes no listener at all (no 0.0.0.0 fallback)', () => {
    const none = [...loadYaml([entry('nothing'), ...pods].join('\n---\n')).objects];
    expect(translate(none, node).listeners.map((l) => l.name).filter((n) => n.endsWith('_5432'))).toEqual([]);
  });
});
