import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyPatch, type Operation } from 'fast-json-patch';
import { parse, stringify } from 'yaml';
import { DEFAULT_INJECTOR_CONFIG, parseInjectorConfigMap } from './injector-config.js';
import type { InjectionContext } from './inject-pod.js';
import { reviewInjection } from './inject-review.js';
import { injectPathOverrides } from './inject-path.js';
import type { Pod } from './pod.js';

// Golden pods: each testdata/reviews/<case>.json is an AdmissionReview as the API server sends it;
// the returned JSON Patch is applied to the pod it carries and the result compared with
// testdata/golden/<case>.yaml. UPDATE_GOLDEN=1 rewrites the golden files (review the diff!).

const DATA = path.join(__dirname, '..', 'testdata');
const CTX: InjectionContext = {
  config: DEFAULT_INJECTOR_CONFIG,
  meshDefaultConfig: {},
  trustDomain: 'cluster.local',
  proxyListenPort: 15001,
  discoveryAddress: 'istiod.istio-system.svc:15012',
};

const review = (name: string): { request: { object: Pod; uid: string } } => JSON.parse(fs.readFileSync(path.join(DATA, 'reviews', `${name}.json`), 'utf8'));

function injected(name: string, ctx = CTX): { pod: Pod; patch: Operation[] } {
  const input = review(name);
  const r = reviewInjection(input, ctx);
  expect(r.review.response).toMatchObject({ uid: input.request.uid, allowed: true, patchType: 'JSONPatch' });
  const patch = JSON.parse(Buffer.from(r.review.response.patch!, 'base64').toString('utf8')) as Operation[];
  const pod = applyPatch(structuredClone(input.request.object), patch, true, false).newDocument;
  return { pod, patch };
}

function expectGolden(name: string, pod: Pod): void {
  const file = path.join(DATA, 'golden', `${name}.yaml`);
  if (process.env['UPDATE_GOLDEN']) fs.writeFileSync(file, stringify(pod, { lineWidth: 0 }));
  expect(pod).toEqual(parse(fs.readFileSync(file, 'utf8')));
}

const env = (pod: Pod, name: string): unknown => (pod.spec.containers.find((c) => c.name === 'istio-proxy')!.env ?? []).find((e) => e['name'] === name)?.['value'];

describe('/inject golden pods', () => {
  it('a plain Deployment pod gets istio-init first, istio-proxy last, the volumes and the status annotation', () => {
    const { pod } = injected('plain-deployment-pod');
    expectGolden('plain-deployment-pod', pod);
    expect(pod.spec.initContainers!.map((c) => c.name)).toEqual(['istio-init']);
    expect(pod.spec.containers.map((c) => c.name)).toEqual(['productpage', 'istio-proxy']);
    expect(pod.spec.initContainers![0]!['args']).toEqual(['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020', '--log_output_level=default:info']);
    expect(JSON.parse(pod.metadata.annotations!['sidecar.istio.io/status']!)).toEqual({
      initContainers: ['istio-init'], containers: ['istio-proxy'],
      volumes: ['workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert'],
      imagePullSecrets: null, revision: 'default',
    });
    expect(env(pod, 'CA_ADDR')).toBe('istiod.istio-system.svc:15012');
    expect(JSON.parse(env(pod, 'PROXY_CONFIG') as string)).toMatchObject({ discoveryAddress: 'istiod.istio-system.svc:15012' });
    expect(env(pod, 'ISTIO_META_WORKLOAD_NAME')).toBe('productpage-v1');
    expect(env(pod, 'ISTIO_META_OWNER')).toBe('kubernetes://apis/apps/v1/namespaces/default/deployments/productpage-v1');
    expect(pod.spec.volumes).toContainEqual({ name: 'istio-token', projected: { sources: [{ serviceAccountToken: { path: 'istio-token', expirationSeconds: 43200, audience: 'istio-ca' } }] } });
  });

  it('traffic annotations become istio-iptables flags; proxy.istio.io/config and resource annotations apply', () => {
    const { pod } = injected('traffic-annotations');
    expectGolden('traffic-annotations', pod);
    expect(pod.spec.initContainers![0]!['args']).toEqual(['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '10.96.0.1/32', '-b', '9080', '-d', '15090,15021,15020', '-o', '5432,6379', '-c', 'eth1', '--log_output_level=default:info']);
    expect(pod.spec.containers.map((c) => c.name)).toEqual(['istio-proxy', 'reviews']);
    expect(pod.spec.containers[0]!['resources']).toEqual({ requests: { cpu: '50m', memory: '64Mi' } });
    expect(JSON.parse(env(pod, 'PROXY_CONFIG') as string)).toMatchObject({ concurrency: 2, holdApplicationUntilProxyStarts: true });
  });

  it('app probes, named ports included, are rewritten to the agent and kept in ISTIO_KUBE_APP_PROBERS', () => {
    const { pod } = injected('named-ports-and-probes');
    expectGolden('named-ports-and-probes', pod);
    const ratings = pod.spec.containers.find((c) => c.name === 'ratings')!;
    expect(ratings.readinessProbe).toEqual({ httpGet: { path: '/app-health/ratings/readyz', port: 15020, scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 2 });
    expect(ratings.livenessProbe).toEqual({ httpGet: { path: '/app-health/ratings/livez', port: 15020, scheme: 'HTTP' }, initialDelaySeconds: 10 });
    expect(JSON.parse(env(pod, 'ISTIO_KUBE_APP_PROBERS') as string)).toEqual({
      '/app-health/ratings/readyz': { httpGet: { path: '/health', port: 9080, scheme: 'HTTP' }, timeoutSeconds: 2 },
      '/app-health/ratings/livez': { tcpSocket: { port: 9080 } },
      '/app-health/ratings/startupz': { httpGet: { path: '/started', port: 9091, scheme: 'HTTPS' } },
    });
    expect(JSON.parse(env(pod, 'ISTIO_META_POD_PORTS') as string)).toEqual([{ name: 'http', containerPort: 9080, protocol: 'TCP' }, { name: 'metrics', containerPort: 9091, protocol: 'TCP' }]);
    expect(env(pod, 'ISTIO_META_APP_CONTAINERS')).toBe('ratings,log-shipper');
  });

  it('a pod labelled sidecar.istio.io/inject=false is allowed unchanged', () => {
    const r = reviewInjection(review('opted-out'), CTX);
    expect(r.review.response).toEqual({ uid: 'u-out', allowed: true });
    expect(r).toMatchObject({ outcome: 'skipped', reason: 'sidecar.istio.io/inject=false' });
  });

  it('a pod whose traffic annotation istio-iptables would reject is denied, naming the annotation', () => {
    const r = reviewInjection(review('invalid-annotation'), CTX);
    expect(r.outcome).toBe('failed');
    expect(r.review.response.allowed).toBe(false);
    expect(r.review.response.status?.message).toMatch(/^injection failed: annotation traffic.sidecar.istio.io\/excludeOutboundIPRanges="10.0.0.300\/8": /);
  });

  it('follows the istio-sidecar-injector ConfigMap: policy disabled injects only opted-in pods, values change the image', () => {
    const { config, problems } = parseInjectorConfigMap({ config: 'policy: disabled\n', values: JSON.stringify({ global: { hub: 'registry.lab:5000/istio', tag: '1.28.1' } }) }, 'ConfigMap istio-system/istio-sidecar-injector');
    expect(problems).toEqual([]);
    const ctx = { ...CTX, config };
    expect(reviewInjection(review('plain-deployment-pod'), ctx)).toMatchObject({ outcome: 'skipped', reason: 'policy disabled' });
    const optIn = review('plain-deployment-pod');
    optIn.request.object.metadata.labels!['sidecar.istio.io/inject'] = 'true';
    const r = reviewInjection(optIn, ctx);
    expect(r.outcome).toBe('injected');
    const patch = JSON.parse(Buffer.from(r.review.response.patch!, 'base64').toString('utf8')) as Operation[];
    const pod = applyPatch(structuredClone(optIn.request.object), patch, true, false).newDocument;
    expect(pod.spec.containers.at(-1)!.image).toBe('registry.lab:5000/istio/proxyv2:1.28.1');
  });

  it('reads /inject/cluster/<id>/net/<network> as istiod does', () => {
    expect(injectPathOverrides('/inject/cluster/east/net/network-1')).toEqual({ clusterName: 'east', network: 'network-1' });
    expect(injectPathOverrides('/inject')).toEqual({});
    const overrides = injectPathOverrides('/inject/cluster/east/net/network-1');
    const ctx = { ...CTX, config: { ...CTX.config, values: { ...CTX.config.values, ...overrides } } };
    const { pod } = injected('plain-deployment-pod', ctx);
    expect([env(pod, 'ISTIO_META_CLUSTER_ID'), env(pod, 'ISTIO_META_NETWORK')]).toEqual(['east', 'network-1']);
  });

  it('refuses a body that is not an AdmissionReview of a Pod', () => {
    expect(() => reviewInjection({ kind: 'Pod' }, CTX)).toThrow('kind is "Pod", expected AdmissionReview');
    expect(() => reviewInjection({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'x', object: {} } }, CTX)).toThrow('request.object is not a Pod');
  });
});
