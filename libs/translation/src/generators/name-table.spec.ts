import { toJson } from '@bufbuild/protobuf';
import { createConfigSnapshot, loadYaml } from '@minipilot/config';
import { ndsV1 } from '@minipilot/envoy-api';
import { buildPushContext } from '../model/push-context.js';
import { parseProxy } from '../proxy.js';
import { generateResources } from '../generate.js';
import { buildNameTable } from './name-table.js';

// istio-agent's NDS name table, row by row from istiod's BuildNameTable (pkg/dns/server/name_table.go)
// and its table test (name_table_test.go TestNameTable); each row names the case it follows.

const sidecarIn = (ns: string) => parseProxy({ id: `sidecar~10.9.0.1~client-0.${ns}~${ns}.svc.cluster.local`, metadata: { ISTIO_VERSION: '1.28.0' } });
const tableOf = (yaml: string, ns = 'testns') => {
  const push = buildPushContext(createConfigSnapshot(loadYaml(yaml).objects));
  return toJson(ndsV1.NameTableSchema, buildNameTable(sidecarIn(ns), push)) as { table?: Record<string, unknown> };
};

const service = (name: string, spec: string, ns = 'testns') => `---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec: ${spec}
`;
const pod = (name: string, ip: string, spec = '{}') => `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: testns, labels: {app: headless-svc}}
spec: ${spec}
status: {podIP: ${ip}, phase: Running}
`;
const slice = (endpoints: string) => `---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: headless-svc-1, namespace: testns, labels: {kubernetes.io/service-name: headless-svc}}
addressType: IPv4
ports: [{name: tcp-port, port: 9000}]
endpoints:
${endpoints}`;
const serviceEntry = (name: string, spec: string, created = '2024-01-01T00:00:00Z') => `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}, namespace: testns, creationTimestamp: '${created}'}
spec: ${spec}
`;

const HEADLESS = service('headless-svc', '{clusterIP: None, selector: {app: headless-svc}, ports: [{name: tcp-port, port: 9000}]}');
const STATEFUL_PODS = [pod('pod1', '1.2.3.4', '{hostname: pod1, subdomain: headless-svc}'), pod('pod2', '9.6.7.8', '{subdomain: headless-svc}')].join('');
const kube = (shortname: string, ...ips: string[]) => ({ ips, registry: 'Kubernetes', shortname, namespace: 'testns' });

describe('NDS name table (istiod BuildNameTable)', () => {
  it.each([
    // A ClusterIP service: its VIP, with namespace and shortname (BuildNameTable: "The agent will take care of resolving a, a.ns, a.ns.svc").
    ['cluster IP service', service('reviews', '{clusterIP: 10.96.0.5, ports: [{port: 9080}]}'),
      { 'reviews.testns.svc.cluster.local': kube('reviews', '10.96.0.5') }],
    // TestNameTable "headless service pods": the service maps to every pod IP; pods with a subdomain get
    // <hostname>.<subdomain>.<ns>.svc.cluster.local (hostname defaults to the Pod name, endpoint_builder.go).
    ['headless service with statefulset hostnames', HEADLESS + STATEFUL_PODS + slice('- {addresses: [1.2.3.4], conditions: {ready: true}, targetRef: {kind: Pod, name: pod1, namespace: testns}}\n- {addresses: [9.6.7.8], conditions: {ready: true}, targetRef: {kind: Pod, name: pod2, namespace: testns}}\n'), {
      'headless-svc.testns.svc.cluster.local': kube('headless-svc', '1.2.3.4', '9.6.7.8'),
      'pod1.headless-svc.testns.svc.cluster.local': kube('pod1.headless-svc', '1.2.3.4'),
      'pod2.headless-svc.testns.svc.cluster.local': kube('pod2.headless-svc', '9.6.7.8'),
    }],
    // TestNameTable "headless service with unhealthy pods": not-ready endpoints are left out.
    ['headless service with a not-ready pod', HEADLESS + STATEFUL_PODS + slice('- {addresses: [1.2.3.4], conditions: {ready: true}, targetRef: {kind: Pod, name: pod1, namespace: testns}}\n- {addresses: [9.6.7.8], conditions: {ready: false}, targetRef: {kind: Pod, name: pod2, namespace: testns}}\n'), {
      'headless-svc.testns.svc.cluster.local': kube('headless-svc', '1.2.3.4'),
      'pod1.headless-svc.testns.svc.cluster.local': kube('pod1.headless-svc', '1.2.3.4'),
    }],
    // TestNameTable "publish unready headless service with unhealthy pods": publishNotReadyAddresses keeps them.
    ['publishNotReadyAddresses headless service', service('headless-svc', '{clusterIP: None, publishNotReadyAddresses: true, ports: [{name: tcp-port, port: 9000}]}') + pod('pod1', '1.2.3.4') + slice('- {addresses: [1.2.3.4], conditions: {ready: false}}\n'),
      { 'headless-svc.testns.svc.cluster.local': kube('headless-svc', '1.2.3.4') }],
    // BuildNameTable: a headless service whose endpoints are unknown has no entry ("could not reliably determine the addresses").
    ['headless service without endpoints', HEADLESS, {}],
    // TestNameTable "service entry with resolution = NONE" (workload-selected endpoints): no addresses, so the
    // endpoint IPs, registry External, no shortname.
    ['service entry with resolution NONE', serviceEntry('foo', '{hosts: [foo.bar.com], resolution: NONE, ports: [{number: 9000, name: tcp-port, protocol: TCP}], workloadSelector: {labels: {app: headless-svc}}}')
      + pod('pod1', '1.2.3.4') + pod('pod2', '9.6.7.8'),
      { 'foo.bar.com': { ips: ['1.2.3.4', '9.6.7.8'], registry: 'External' } }],
    // TestNameTable "service entry with multiple VIPs" and "dual stack": every address of the host.
    ['service entry with addresses', serviceEntry('mysql', '{hosts: [mysql.foo.bar], addresses: [10.0.0.5, 10.0.0.6], resolution: STATIC, ports: [{number: 3306, name: tcp, protocol: TCP}], endpoints: [{address: 2.2.2.2}]}'),
      { 'mysql.foo.bar': { ips: ['10.0.0.5', '10.0.0.6'], registry: 'External' } }],
    // TestNameTable "cidr service": a CIDR is no IP and the service is not headless: no entry.
    ['CIDR-only service entry', serviceEntry('cidr', '{hosts: [cidr.foo.bar], addresses: [172.217.0.0/16], resolution: NONE, ports: [{number: 9000, name: tcp, protocol: TCP}]}'), {}],
    // BuildNameTable: a DNS ServiceEntry without addresses is not headless-passthrough (its endpoints are hostnames): skipped,
    // and so is the usual wildcard ServiceEntry without addresses.
    ['address-less DNS and wildcard service entries', serviceEntry('dns', '{hosts: [api.example.com], resolution: DNS, ports: [{number: 443, name: tls, protocol: TLS}]}')
      + serviceEntry('wild', '{hosts: ["*.google.com"], resolution: NONE, ports: [{number: 443, name: tls, protocol: TLS}]}'), {}],
    // TestNameTable "wildcard service pods": a wildcard host with an address is listed like any other.
    ['wildcard host with an address', serviceEntry('wild', '{hosts: ["*.wild.example"], addresses: [172.10.10.10], resolution: NONE, ports: [{number: 9000, name: tcp, protocol: TCP}]}'),
      { '*.wild.example': { ips: ['172.10.10.10'], registry: 'External' } }],
    // TestNameTable "service entry as a decorator(created before k8s service)": the Kubernetes service wins
    // (sidecar.go appendSidecarServices keeps the Kubernetes one for the host).
    ['kubernetes service wins over a service entry', serviceEntry('decor', '{hosts: [mysql-svc.testns.svc.cluster.local], addresses: [10.0.0.5], resolution: STATIC, ports: [{number: 3306, name: tcp, protocol: TCP}]}')
      + service('mysql-svc', '{clusterIP: 10.0.0.7, ports: [{name: tcp, port: 3306}]}'),
      { 'mysql-svc.testns.svc.cluster.local': kube('mysql-svc', '10.0.0.7') }],
    // sidecar.go appendSidecarServices: of two ServiceEntries for a host the oldest wins (its addresses).
    ['oldest service entry of a host wins', serviceEntry('new', '{hosts: [db.foo.bar], addresses: [10.0.0.9], resolution: STATIC, ports: [{number: 3306, name: tcp, protocol: TCP}]}', '2024-02-01T00:00:00Z')
      + serviceEntry('old', '{hosts: [db.foo.bar], addresses: [10.0.0.8], resolution: STATIC, ports: [{number: 3306, name: tcp, protocol: TCP}]}', '2024-01-01T00:00:00Z'),
      { 'db.foo.bar': { ips: ['10.0.0.8'], registry: 'External' } }],
  ])('%s', (_name, yaml, table) => {
    expect(tableOf(yaml).table ?? {}).toEqual(table);
  });

  it('lists only services visible to the proxy namespace (exportTo)', () => {
    const yaml = service('private', '{clusterIP: 10.96.0.9, ports: [{port: 80}]}').replace('metadata: {name: private, namespace: testns}', "metadata: {name: private, namespace: testns, annotations: {networking.istio.io/exportTo: '.'}}");
    expect(Object.keys(tableOf(yaml, 'testns').table ?? {})).toEqual(['private.testns.svc.cluster.local']);
    expect(tableOf(yaml, 'other').table ?? {}).toEqual({});
  });

  it('is generated for sidecars only, as one resource', () => {
    const push = buildPushContext(createConfigSnapshot(loadYaml(service('reviews', '{clusterIP: 10.96.0.5, ports: [{port: 9080}]}')).objects));
    expect(generateResources(sidecarIn('testns'), push).nameTables.map((t) => Object.keys(t.table))).toEqual([['reviews.testns.svc.cluster.local']]);
    const gateway = parseProxy({ id: 'router~10.9.0.2~gw-0.testns~testns.svc.cluster.local' });
    const grpc = parseProxy({ id: 'sidecar~10.9.0.3~app-0.testns~testns.svc.cluster.local', metadata: { GENERATOR: 'grpc' } });
    expect([gateway, grpc].map((p) => generateResources(p, push).nameTables)).toEqual([[], []]);
  });
});
