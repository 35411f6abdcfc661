import { startFakeApiServer, type FakeApiServer } from '@minipilot/config-sources/src/testing/fake-apiserver';
import { createSelfSignedCa } from './ca-bundle.js';
import { loadOrCreateKubeCa, CA_SECRET, PLUGGED_CA_SECRET } from './kube-ca-store.js';
import { startRootCertPublisher, ROOT_CERT_CONFIGMAP, type RootCertPublisher } from './root-cert-publisher.js';
import { kubeConfigFor, recordingLogger } from './testing/ca-fixture.js';
import { createTokenReviewAuthenticator } from './token-review-authenticator.js';
import { bearer } from './testing/tls-client.js';

let api: FakeApiServer;
let publisher: RootCertPublisher | undefined;
beforeEach(async () => {
  api = await startFakeApiServer({ istioVersions: [] });
});
afterEach(async () => {
  await publisher?.stop();
  publisher = undefined;
  await api.stop();
});

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const until = async (what: string, check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};
const configMap = (ns: string) => api.store.list(api.store.resources.find((r) => r.kind === 'ConfigMap')!, ns).find((o) => o.metadata.name === ROOT_CERT_CONFIGMAP);

describe('the CA in a cluster', () => {
  it('generates a root on first start, stores it in istio-ca-secret, and reuses it on the next start', async () => {
    const kubeConfig = kubeConfigFor(api);
    const first = await loadOrCreateKubeCa({ kubeConfig, namespace: 'istio-system', trustDomain: 'cluster.local' });
    expect(first.created).toBe(true);
    expect(first.bundle.signingCert.subject).toBe('O=cluster.local');
    const secret = api.store.list(api.store.resources.find((r) => r.kind === 'Secret')!, 'istio-system')[0]!;
    expect(secret.metadata.name).toBe(CA_SECRET);
    expect(secret['type']).toBe('istio.io/ca-root');
    expect(Object.keys(secret['data'] as object).sort()).toEqual(['ca-cert.pem', 'ca-key.pem']);
    const second = await loadOrCreateKubeCa({ kubeConfig, namespace: 'istio-system', trustDomain: 'cluster.local' });
    expect(second.created).toBe(false);
    expect(second.bundle.rootCertPem).toBe(first.bundle.rootCertPem);
  });

  it('prefers a plugged-in cacerts Secret, and names the Secret and key when it is broken', async () => {
    const { files } = await createSelfSignedCa({ org: 'example.org' });
    api.apply({ kind: 'Secret', metadata: { name: PLUGGED_CA_SECRET, namespace: 'istio-system' }, data: { 'ca-cert.pem': b64(files.caCert), 'ca-key.pem': b64(files.caKey), 'root-cert.pem': b64(files.caCert), 'cert-chain.pem': b64(files.caCert) } });
    const { bundle, created } = await loadOrCreateKubeCa({ kubeConfig: kubeConfigFor(api), namespace: 'istio-system', trustDomain: 'cluster.local' });
    expect(created).toBe(false);
    expect(bundle.origin).toBe('Secret istio-system/cacerts');
    expect(bundle.signingCert.subject).toBe('O=example.org');
    api.apply({ kind: 'Secret', metadata: { name: PLUGGED_CA_SECRET, namespace: 'istio-system' }, data: { 'ca-cert.pem': b64(files.caCert) } });
    await expect(loadOrCreateKubeCa({ kubeConfig: kubeConfigFor(api), namespace: 'istio-system', trustDomain: 'cluster.local' })).rejects.toThrow('Secret istio-system/cacerts: data.ca-key.pem is missing');
  });

  it('publishes root-cert.pem in istio-ca-root-cert of every namespace but the system ones, and keeps it there', async () => {
    for (const ns of ['default', 'bookinfo', 'kube-system']) api.apply({ kind: 'Namespace', metadata: { name: ns } });
    const { bundle } = await createSelfSignedCa({ org: 'cluster.local' });
    publisher = startRootCertPublisher({ kubeConfig: kubeConfigFor(api), rootCertPem: () => bundle.rootCertPem, logger: recordingLogger() });
    await publisher.synced;
    await until('both namespaces', () => configMap('default') !== undefined && configMap('bookinfo') !== undefined);
    expect(configMap('default')!['data']).toEqual({ 'root-cert.pem': bundle.rootCertPem });
    expect(configMap('default')!.metadata['labels']).toEqual({ 'istio.io/config': 'true' });
    expect(configMap('kube-system')).toBeUndefined();

    api.apply({ kind: 'Namespace', metadata: { name: 'new-team' } });
    await until('the new namespace', () => configMap('new-team') !== undefined);
    api.apply({ kind: 'ConfigMap', metadata: { name: ROOT_CERT_CONFIGMAP, namespace: 'default', labels: { 'istio.io/config': 'true' } }, data: { 'root-cert.pem': 'tampered' } });
    await until('the edit to be reverted', () => (configMap('default')!['data'] as Record<string, string>)['root-cert.pem'] === bundle.rootCertPem);
    api.remove('ConfigMap', 'bookinfo', ROOT_CERT_CONFIGMAP);
    await until('the deleted ConfigMap to be recreated', () => configMap('bookinfo') !== undefined);
  });
});

describe('the emulated API server', () => {
  it('answers TokenReview as a real one: user and audiences for a known token, an error otherwise', async () => {
    api.addToken('t1', { username: 'system:serviceaccount:default:reviews', audiences: ['istio-ca'] });
    const auth = createTokenReviewAuthenticator({ kubeConfig: kubeConfigFor(api), trustDomain: 'example.org' });
    await expect(auth.authenticate(bearer('t1'))).resolves.toEqual({
      identities: ['spiffe://example.org/ns/default/sa/reviews'],
      serviceAccount: { trustDomain: 'example.org', namespace: 'default', serviceAccount: 'reviews' },
    });
    await expect(auth.authenticate(bearer('t2'))).rejects.toThrow('failed to validate the JWT: [invalid bearer token, service account token has been invalidated]');
    const review = api.requests.find((r) => r.path === '/apis/authentication.k8s.io/v1/tokenreviews');
    expect(review?.method).toBe('POST');
  });
});
