import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseMeshConfig } from '@minipilot/config';
import { watchedResources } from '@minipilot/config-sources';
import { parseInjectorConfigMap } from '@minipilot/injection';
import { createDiscoveryCommand, type CliOptions } from '../options.js';
import { INJECTOR_CONFIGMAP } from './injector-config-watch.js';
import { MUTATING_WEBHOOK, validatingWebhookNames } from './webhook-ca-bundle.js';

// deploy/istiod-lab: minipilot in place of istiod. The manifests agree with the server's flags, istiod's
// ports and Service names, the webhook configurations minipilot patches, and the API calls it makes.

type Obj = Record<string, any>;
const DIR = path.resolve(__dirname, '../../../../deploy/istiod-lab');
const docs: Obj[] = fs.readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort().flatMap((f) =>
  parseAllDocuments(fs.readFileSync(path.join(DIR, f), 'utf8')).map((d) => {
    if (d.errors.length > 0) throw new Error(`${f}: ${d.errors[0]!.message}`);
    return d.toJS() as Obj;
  }));
const find = (kind: string, name: string): Obj => {
  const o = docs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} in deploy/istiod-lab`);
  return o;
};

describe('deploy/istiod-lab', () => {
  const deployment = find('Deployment', 'istiod');
  const container = deployment.spec.template.spec.containers[0];
  const service = find('Service', 'istiod');

  it('runs minipilot with flags it accepts, on istiod\'s ports behind Service istiod', async () => {
    let parsed: CliOptions | undefined;
    const cmd = createDiscoveryCommand(async (o) => void (parsed = o)).exitOverride();
    const envFlags = new Set(cmd.options.filter((o) => o.envVar).map((o) => o.envVar!));
    for (const e of container.env) expect(envFlags.has(e.name)).toBe(true);
    const saved = process.env['KUBERNETES_SERVICE_HOST'];
    process.env['KUBERNETES_SERVICE_HOST'] = '10.96.0.1';
    try {
      await cmd.parseAsync(['node', 'minipilot-discovery', ...container.args]);
    } finally {
      if (saved === undefined) delete process.env['KUBERNETES_SERVICE_HOST'];
      else process.env['KUBERNETES_SERVICE_HOST'] = saved;
    }
    const port = (addr: string): number => Number(addr.split(':').at(-1));
    expect([parsed!.grpcAddr, parsed!.secureGrpcAddr, parsed!.monitoringAddr, parsed!.httpsAddr].map(port)).toEqual([15010, 15012, 15014, 15017]);
    expect(container.ports.map((p: Obj) => p.containerPort)).toEqual([15010, 15012, 15014, 15017]);
    expect(service.spec.ports.map((p: Obj) => [p.port, p.targetPort])).toEqual([[15010, 15010], [15012, 15012], [15014, 15014], [443, 15017], [15017, 15017]]);
    expect(service.spec.ports.find((p: Obj) => p.port === 15012).name).toBe('https-dns');
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(deployment.spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('false');
  });

  it('ships a mesh config and injector ConfigMap minipilot reads without problems', () => {
    const mesh = parseMeshConfig(find('ConfigMap', 'istio').data.mesh, 'ConfigMap istio');
    expect(mesh.problems).toEqual([]);
    // Istio's default: the inbound mTLS chains make auto-mTLS between injected pods work.
    expect(mesh.mesh.enableAutoMtls).toBe(true);
    const injector = parseInjectorConfigMap(find('ConfigMap', INJECTOR_CONFIGMAP).data, 'ConfigMap istio-sidecar-injector');
    expect(injector.problems).toEqual([]);
    expect(injector.config.values.hub).toBe('docker.io/istio');
  });

  it('installs the webhook configurations minipilot patches, pointing at /inject and /validate on Service istiod', () => {
    const mutating = find('MutatingWebhookConfiguration', MUTATING_WEBHOOK);
    const validating = find('ValidatingWebhookConfiguration', validatingWebhookNames('istio-system')[0]!);
    for (const w of mutating.webhooks) expect(w.clientConfig.service).toEqual({ name: 'istiod', namespace: 'istio-system', path: '/inject', port: 443 });
    expect(validating.webhooks[0].clientConfig.service).toEqual({ name: 'istiod', namespace: 'istio-system', path: '/validate', port: 443 });
    expect(validating.webhooks[0].failurePolicy).toBe('Ignore');
    for (const w of [...mutating.webhooks, ...validating.webhooks]) expect(w.clientConfig.caBundle).toBeUndefined();
  });

  it('grants what the source watches, and exactly the writes the CA and webhook controllers make', () => {
    const role = find('ClusterRole', 'minipilot-istiod');
    const can = (group: string, resource: string, verb: string, name?: string): boolean => role.rules.some((r: Obj) =>
      r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb) && (!r.resourceNames || (name !== undefined && r.resourceNames.includes(name))));
    // Istio's base CRDs serve security.istio.io too: PeerAuthentication is watched.
    for (const r of watchedResources('v1', 'v1')) for (const verb of ['list', 'watch']) expect(can(r.group, r.plural, verb)).toBe(true);
    expect(can('authentication.k8s.io', 'tokenreviews', 'create')).toBe(true);
    for (const verb of ['list', 'watch', 'create', 'update']) expect(can('', 'configmaps', verb)).toBe(true);
    expect(can('admissionregistration.k8s.io', 'mutatingwebhookconfigurations', 'update', MUTATING_WEBHOOK)).toBe(true);
    for (const name of validatingWebhookNames('istio-system')) expect(can('admissionregistration.k8s.io', 'validatingwebhookconfigurations', 'update', name)).toBe(true);
    expect(can('', 'secrets', 'get')).toBe(false);
    const ca = find('Role', 'minipilot-istiod-ca');
    expect(ca.metadata.namespace).toBe('istio-system');
    expect(ca.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['istio-ca-secret', 'cacerts'], verbs: ['get'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ]);
    for (const b of [find('ClusterRoleBinding', 'minipilot-istiod'), find('RoleBinding', 'minipilot-istiod-ca')]) {
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: deployment.spec.template.spec.serviceAccountName, namespace: 'istio-system' }]);
    }
  });
});
