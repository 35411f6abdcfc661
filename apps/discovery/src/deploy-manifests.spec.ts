import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { ISTIO_KINDS, KIND_INFO } from '@minipilot/config';
import { watchedResources } from '@minipilot/config-sources';
import { parseProxy } from '@minipilot/translation';
import { createDiscoveryCommand, type CliOptions } from './options.js';
import { chartContext, renderTemplate } from './testing/render-chart.js';

// deploy/: the plain manifests are valid Kubernetes objects, the Helm chart renders exactly them, and
// both agree with the server's real flags, ports, watched kinds and node id format.

// Parsed YAML is navigated freely here; a missing field fails the test with a TypeError naming it.
type Obj = Record<string, any>;
const ROOT = path.resolve(__dirname, '../../..');
const DEPLOY = path.join(ROOT, 'deploy');
const CHART = path.join(DEPLOY, 'helm/minipilot');
const NAMESPACE = 'istio-system';

function readDocs(file: string): Obj[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]!.message}`);
    return d.toJS() as Obj;
  }).filter((o) => o !== null);
}

const manifestFiles = fs.readdirSync(path.join(DEPLOY, 'manifests')).filter((f) => f.endsWith('.yaml')).sort();
const manifests = manifestFiles.flatMap((f) => readDocs(path.join(DEPLOY, 'manifests', f)));
const bookinfo = readDocs(path.join(DEPLOY, 'examples/bookinfo/bookinfo.yaml'));
const find = (kind: string, name?: string): Obj => {
  const o = [...manifests, ...bookinfo].find((x) => x.kind === kind && (name === undefined || x.metadata.name === name));
  if (!o) throw new Error(`no ${kind} ${name ?? ''} in deploy/`);
  return o;
};
const deployment = find('Deployment', 'minipilot');
const container = deployment.spec.template.spec.containers[0];
const service = find('Service', 'minipilot');

const CLUSTER_SCOPED = new Set(['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding']);
const DNS_1123 = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

describe('deploy/ manifests', () => {
  it.each([...manifests, ...bookinfo].map((o) => [`${o.kind} ${o.metadata?.name}`, o]))('%s is a well-formed Kubernetes object', (_label, o) => {
    expect(typeof o.apiVersion).toBe('string');
    expect(o.kind).toMatch(/^[A-Z][A-Za-z]+$/);
    expect(o.metadata.name).toMatch(DNS_1123);
    expect(o.metadata.name.length).toBeLessThanOrEqual(253);
    if (CLUSTER_SCOPED.has(o.kind)) expect(o.metadata.namespace).toBeUndefined();
    else expect(o.metadata.namespace).toMatch(DNS_1123);
    const pod = o.kind === 'Deployment' ? o.spec.template : undefined;
    if (pod) {
      for (const [k, v] of Object.entries(o.spec.selector.matchLabels)) expect(pod.metadata.labels[k]).toBe(v);
      for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
        expect(c.name).toMatch(DNS_1123);
        expect(typeof c.image).toBe('string');
        for (const p of c.ports ?? []) expect(Number.isInteger(p.containerPort) && p.containerPort > 0 && p.containerPort < 65536).toBe(true);
        for (const e of c.env ?? []) expect(e.value !== undefined || e.valueFrom !== undefined).toBe(true);
      }
    }
  });

  it('names every object once', () => {
    const ids = [...manifests, ...bookinfo].map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('are what the Helm chart renders (templates with values.yaml, CRDs as is)', () => {
    const ctx = chartContext(CHART, NAMESPACE);
    const rendered = fs.readdirSync(path.join(CHART, 'templates')).sort().flatMap((f) => {
      const text = renderTemplate(fs.readFileSync(path.join(CHART, 'templates', f), 'utf8'), ctx);
      return parseAllDocuments(text).map((d) => d.toJS() as Obj);
    });
    const plain = manifests.filter((o) => o.kind !== 'CustomResourceDefinition' && !(o.kind === 'Namespace' && o.metadata.name === NAMESPACE));
    const byId = (list: Obj[]): Obj[] => [...list].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
    expect(byId(rendered)).toEqual(byId(plain));
    expect(fs.readFileSync(path.join(CHART, 'crds/networking-istio-io.yaml'), 'utf8')).toBe(fs.readFileSync(path.join(DEPLOY, 'manifests/01-crds.yaml'), 'utf8'));
    expect(parse(fs.readFileSync(path.join(CHART, 'Chart.yaml'), 'utf8'))).toMatchObject({ apiVersion: 'v2', name: 'minipilot' });
  });

  it('run the discovery server with flags it accepts, on the ports its Service and probes use', async () => {
    let parsed: CliOptions | undefined;
    const cmd = createDiscoveryCommand(async (o) => void (parsed = o)).exitOverride();
    const envFlags = new Map(cmd.options.filter((o) => o.envVar).map((o) => [o.envVar!, o.long!]));
    for (const e of container.env ?? []) expect(envFlags.has(e.name) || e.name === 'NODE_OPTIONS').toBe(true); // NODE_OPTIONS is Node's own
    const saved = process.env['KUBERNETES_SERVICE_HOST'];
    process.env['KUBERNETES_SERVICE_HOST'] = '10.96.0.1';
    try {
      await cmd.parseAsync(['node', 'minipilot-discovery', ...container.args]);
    } finally {
      if (saved === undefined) delete process.env['KUBERNETES_SERVICE_HOST'];
      else process.env['KUBERNETES_SERVICE_HOST'] = saved;
    }
    expect(parsed!.source).toEqual({ type: 'kubernetes', kubeconfig: 'in-cluster' });
    const port = (addr: string): number => Number(addr.split(':').at(-1));
    const ports = Object.fromEntries(container.ports.map((p: Obj) => [p.name, p.containerPort]));
    expect(ports).toEqual({ 'grpc-xds': port(parsed!.grpcAddr), 'http-monitoring': port(parsed!.monitoringAddr) });
    expect(port(parsed!.grpcAddr)).toBe(15010);
    expect(port(parsed!.monitoringAddr)).toBe(15014);
    expect(parsed!.debugAddr).toBe('127.0.0.1:8080'); // /debug/* stays inside the pod
    expect(service.spec.ports.map((p: Obj) => [p.name, p.port, p.targetPort])).toEqual([['grpc-xds', 15010, 'grpc-xds'], ['http-monitoring', 15014, 'http-monitoring']]);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    for (const probe of [container.readinessProbe, container.startupProbe]) expect(probe.httpGet).toEqual({ path: '/ready', port: 15014 });
  });

  it('run it non-root, read-only, with resource requests', () => {
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    const dockerfile = fs.readFileSync(path.join(DEPLOY, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^USER 65532:65532$/m);
    const main = JSON.parse(fs.readFileSync(path.join(ROOT, 'apps/discovery/package.json'), 'utf8')).main as string;
    expect(dockerfile).toContain(`ENTRYPOINT ["node", "apps/discovery/${main}"]`);
  });

  it('grant read-only access to exactly the resources the Kubernetes source watches', () => {
    const role = find('ClusterRole', 'minipilot-reader');
    const allowed = new Set<string>();
    for (const rule of role.rules) {
      expect([...rule.verbs].sort()).toEqual(['get', 'list', 'watch']);
      for (const g of rule.apiGroups) for (const r of rule.resources) allowed.add(`${g}/${r}`);
    }
    expect([...allowed].sort()).toEqual(watchedResources('v1').map((r) => `${r.group}/${r.plural}`).sort());
    const binding = find('ClusterRoleBinding', 'minipilot-reader');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'minipilot-reader' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: deployment.spec.template.spec.serviceAccountName, namespace: NAMESPACE }]);
    expect(find('ServiceAccount', 'minipilot').metadata.namespace).toBe(NAMESPACE);
  });

  it('define the networking.istio.io CRDs: v1 stored, v1beta1 and v1alpha3 served', () => {
    const crds = manifests.filter((o) => o.kind === 'CustomResourceDefinition');
    // The stock-Envoy profile: security.istio.io (PeerAuthentication, which only istio-proxy sidecars use) is left to Istio's CRDs (deploy/istiod-lab).
    expect(crds.map((c) => c.spec.names.kind).sort()).toEqual(ISTIO_KINDS.filter((k) => KIND_INFO[k].group === 'networking.istio.io').sort());
    for (const c of crds) {
      const info = KIND_INFO[c.spec.names.kind as keyof typeof KIND_INFO];
      expect(c.metadata.name).toBe(`${info.plural}.${info.group}`);
      expect(c.spec).toMatchObject({ group: info.group, scope: 'Namespaced', names: { plural: info.plural } });
      expect(c.spec.versions.map((v: Obj) => [v.name, v.served, v.storage])).toEqual([['v1', true, true], ['v1beta1', true, false], ['v1alpha3', true, false]]);
      for (const v of c.spec.versions) expect(v.schema.openAPIV3Schema).toEqual({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    }
  });

  it('bootstrap a stock Envoy over ADS to the minipilot Service, with a node id minipilot parses', () => {
    const cm = find('ConfigMap', 'minipilot-envoy-bootstrap');
    const boot = parse(cm.data['bootstrap.yaml']) as Obj;
    expect(boot.dynamic_resources.ads_config).toMatchObject({ api_type: 'GRPC', transport_api_version: 'V3', grpc_services: [{ envoy_grpc: { cluster_name: 'xds-grpc' } }] });
    expect(boot.dynamic_resources.cds_config).toEqual({ ads: {}, resource_api_version: 'V3' });
    expect(boot.dynamic_resources.lds_config).toEqual({ ads: {}, resource_api_version: 'V3' });
    const xds = boot.static_resources.clusters.find((c: Obj) => c.name === 'xds-grpc');
    expect(xds.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({ address: `minipilot.${NAMESPACE}.svc.cluster.local`, port_value: 15010 });
    expect(xds.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'].explicit_http_config).toEqual({ http2_protocol_options: {} });

    const workloads = bookinfo.filter((o) => o.kind === 'Deployment');
    expect(workloads.map((d) => d.metadata.name).sort()).toEqual(['details-v1', 'productpage-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3']);
    for (const d of workloads) {
      expect(d.metadata.namespace).toBe(cm.metadata.namespace);
      const spec = d.spec.template.spec;
      expect(spec.volumes).toContainEqual({ name: 'envoy-bootstrap', configMap: { name: cm.metadata.name } });
      const envoy = spec.containers.find((c: Obj) => c.name === 'envoy');
      const overlay = envoy.args[envoy.args.indexOf('--config-yaml') + 1] as string;
      const values: Record<string, string> = { POD_IP: '10.244.0.7', POD_NAME: `${d.metadata.name}-abc`, POD_NAMESPACE: d.metadata.namespace, SERVICE_ACCOUNT: spec.serviceAccountName, APP: d.metadata.labels.app, VERSION: d.metadata.labels.version };
      for (const name of overlay.match(/\$\(([A-Z_]+)\)/g) ?? []) expect(envoy.env.map((e: Obj) => e.name)).toContain(name.slice(2, -1));
      const node = JSON.parse(overlay.replace(/\$\(([A-Z_]+)\)/g, (_m, k: string) => values[k]!)).node as Obj;
      const proxy = parseProxy({ id: node.id, metadata: node.metadata });
      expect(proxy).toMatchObject({ type: 'sidecar', ip: '10.244.0.7', namespace: 'bookinfo', generator: 'envoy', labels: { app: values['APP'], version: values['VERSION'] } });
      expect(envoy.securityContext.runAsUser).toBe(1337);
      const init = spec.initContainers[0];
      expect(init.args.slice(0, 6)).toEqual(['-p', '15001', '-z', '15006', '-u', '1337']);
      const svc = bookinfo.find((o) => o.kind === 'Service' && o.metadata.name === d.metadata.labels.app);
      expect(svc?.spec.selector).toEqual({ app: d.metadata.labels.app });
    }
  });
});
