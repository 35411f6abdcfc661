import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { createFileSource } from '@minipilot/config-sources';
import { startFakeApiServer, type FakeApiServer } from '@minipilot/config-sources/src/testing/fake-apiserver';
import { createCertificate, firstDeltaResponse, generateCsr } from '@minipilot/ca/src/testing/tls-client';
import { startDiscoveryServer, type DiscoveryServer } from '../discovery-server.js';
import { createLogger } from '../logger.js';
import { EMBEDDED_LAB_DIR } from '../options.js';

// istiod's webhooks on 15017 in a cluster (the emulated API server): caBundle patching of both webhook
// configurations, /inject and /validate driven by AdmissionReview JSON over TLS verified against our
// root with istiod's name, and the injector ConfigMap applied to the next pod without a restart.

const REVIEWS = path.resolve(__dirname, '../../../../libs/injection/testdata/reviews');
const ISTIOD = 'istiod.istio-system.svc';

let api: FakeApiServer;
let server: DiscoveryServer;
let root: string;

const kind = (k: string) => api.store.resources.find((r) => r.kind === k)!;
const get = (k: string, name: string, ns?: string) => api.store.list(kind(k), ns).find((o) => o.metadata.name === name) as Record<string, any> | undefined;
const until = async (what: string, check: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

function post(pathname: string, body: unknown): Promise<{ status: number; json: any; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: server.httpsPort, path: pathname, method: 'POST', ca: root, servername: ISTIOD, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, json: res.headers['content-type'] === 'application/json' ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const webhook = (name: string, extra: object) => ({ name, clientConfig: { service: { name: 'istiod', namespace: 'istio-system', path: '/x', port: 443 } }, admissionReviewVersions: ['v1'], sideEffects: 'None', ...extra });

beforeAll(async () => {
  api = await startFakeApiServer({ istioVersions: [] });
  api.apply({ kind: 'Namespace', metadata: { name: 'istio-system' } });
  api.apply({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'istio-sidecar-injector' }, webhooks: [webhook('namespace.sidecar-injector.istio.io', { failurePolicy: 'Fail' }), webhook('object.sidecar-injector.istio.io', { failurePolicy: 'Fail' })] });
  api.apply({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'istio-validator-istio-system' }, webhooks: [webhook('rev.validation.istio.io', { failurePolicy: 'Ignore' })] });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(api.kubeconfigYaml());
  server = await startDiscoveryServer({
    source: createFileSource({ dir: EMBEDDED_LAB_DIR }), sourceName: EMBEDDED_LAB_DIR,
    grpcAddr: '127.0.0.1:0', monitoringAddr: '127.0.0.1:0', logger: createLogger('warn'),
    security: { secureGrpcAddr: '127.0.0.1:0', httpsAddr: '127.0.0.1:0', mode: { type: 'kubernetes', kubeConfig, namespace: 'istio-system' } },
  });
  root = await (await fetch(`http://127.0.0.1:${server.monitoringPort}/debug/ca-root`)).text();
});
afterAll(async () => {
  await server.stop();
  await api.stop();
});

describe('webhook configurations', () => {
  it('get our root as caBundle, and the validator turns fail-closed once ready', async () => {
    const bundle = Buffer.from(root).toString('base64');
    await until('caBundles', () => get('MutatingWebhookConfiguration', 'istio-sidecar-injector')!['webhooks'].every((w: any) => w.clientConfig.caBundle === bundle)
      && get('ValidatingWebhookConfiguration', 'istio-validator-istio-system')!['webhooks'][0].clientConfig.caBundle === bundle
      && get('ValidatingWebhookConfiguration', 'istio-validator-istio-system')!['webhooks'][0].failurePolicy === 'Fail');
    expect(get('ValidatingWebhookConfiguration', 'istio-validator-istio-system')!['webhooks'][0].failurePolicy).toBe('Fail');
    expect(get('Secret', 'istio-ca-secret', 'istio-system')).toBeDefined();
  });
});

describe('/inject', () => {
  it('injects a pod sent as an AdmissionReview, pointing it at minipilot', async () => {
    const review = JSON.parse(fs.readFileSync(path.join(REVIEWS, 'plain-deployment-pod.json'), 'utf8'));
    const res = await post('/inject', review);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'u-plain', allowed: true, patchType: 'JSONPatch' } });
    const patch = Buffer.from(res.json.response.patch, 'base64').toString('utf8');
    expect(patch).toContain('"name":"istio-proxy"');
    expect(patch).toContain('\\"discoveryAddress\\":\\"istiod.istio-system.svc:15012\\"');
  });

  it('applies an edited istio-sidecar-injector ConfigMap to the next pod without a restart', async () => {
    api.apply({ kind: 'ConfigMap', metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' }, data: { config: 'policy: enabled\n', values: JSON.stringify({ global: { hub: 'registry.lab:5000/istio', tag: '1.28.1' } }) } });
    const review = JSON.parse(fs.readFileSync(path.join(REVIEWS, 'plain-deployment-pod.json'), 'utf8'));
    let patch = '';
    for (let i = 0; i < 40 && !patch.includes('registry.lab:5000'); i++) {
      patch = Buffer.from((await post('/inject', review)).json.response.patch, 'base64').toString('utf8');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(patch).toContain('registry.lab:5000/istio/proxyv2:1.28.1');
  });

  it('answers 400 to a body that is not an AdmissionReview', async () => {
    const res = await post('/inject', { hello: 'world' });
    expect(res).toMatchObject({ status: 400, text: 'could not decode the admission review: kind is undefined, expected AdmissionReview\n' });
  });
});

describe('/validate', () => {
  const review = (object: object) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'v1', operation: 'CREATE', namespace: 'default', object } });

  it('denies invalid config with Istio\'s message', async () => {
    const res = await post('/validate', review({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'bad', namespace: 'default' }, spec: { hosts: [], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }] } }));
    expect(res.json.response).toMatchObject({ uid: 'v1', allowed: false, status: { code: 400, message: 'configuration is invalid: service entry must have at least one host' } });
  });

  it('allows valid config, with warnings for what Istio would warn about', async () => {
    const res = await post('/validate', review({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'ok', namespace: 'default' }, spec: { hosts: ['api.example.com'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS', colour: 'blue' } }));
    expect(res.json.response).toEqual({ uid: 'v1', allowed: true, warnings: ['unknown field'] });
  });
});

describe('the secure port in a cluster', () => {
  it('serves an istio-agent-like client: its pod token is reviewed, it gets its certificate and delta xDS over TLS', async () => {
    api.addToken('productpage-pod-token', { username: 'system:serviceaccount:default:bookinfo-productpage', audiences: ['istio-ca'] });
    const id = 'spiffe://cluster.local/ns/default/sa/bookinfo-productpage';
    const res = await createCertificate(server.securePort!, root, 'productpage-pod-token', (await generateCsr([id])).csrPem);
    expect(res.certChain).toHaveLength(2);
    expect(res.certChain[1]).toBe(root);
    const node = { id: 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local', metadata: { NAMESPACE: 'default', SERVICE_ACCOUNT: 'bookinfo-productpage', ISTIO_VERSION: '1.28.0' } };
    const cds = await firstDeltaResponse(server.securePort!, root, 'productpage-pod-token', node);
    expect(cds.resources.map((r) => r.name)).toContain('outbound|9080||reviews.default.svc.cluster.local');
    const reviewed = api.requests.filter((r) => r.path === '/apis/authentication.k8s.io/v1/tokenreviews');
    expect(reviewed.length).toBeGreaterThanOrEqual(2);
  });
});

describe('metrics', () => {
  it('counts injections and validations under istiod\'s names', async () => {
    const text = await (await fetch(`http://127.0.0.1:${server.monitoringPort}/metrics`)).text();
    const value = (name: string): number => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
    expect(value('sidecar_injection_success_total')).toBeGreaterThanOrEqual(2);
    expect(value('galley_validation_failed')).toBe(1);
    expect(value('galley_validation_passed')).toBe(1);
    expect(value('citadel_server_root_cert_expiry_timestamp')).toBeGreaterThan(Date.now() / 1000);
  });
});
