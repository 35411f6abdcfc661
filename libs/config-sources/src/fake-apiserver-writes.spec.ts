import { startFakeApiServer, type FakeApiServer } from './testing/fake-apiserver.js';

// The write side of the emulated API server (what istiod's CA and webhook controllers call), spoken
// over plain HTTP as a client would: TokenReview, create (409 on a duplicate), get, replace, patch, delete.

let api: FakeApiServer;
beforeEach(async () => {
  api = await startFakeApiServer({ istioVersions: [] });
});
afterEach(async () => {
  await api.stop();
});

async function call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; json: any }> {
  const res = await fetch(`${api.url}${path}`, { method, headers: { 'content-type': contentType }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, json: await res.json() };
}

describe('the emulated API server writes', () => {
  it('answers TokenReview: the owner and the audiences asked for, or an error for unknown tokens and audiences', async () => {
    api.addToken('t1', { username: 'system:serviceaccount:bookinfo:reviews', audiences: ['istio-ca'] });
    const review = (token: string, audiences: string[]) => call('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences } });
    const ok = await review('t1', ['istio-ca']);
    expect(ok.status).toBe(201);
    expect(ok.json.status).toEqual({ authenticated: true, audiences: ['istio-ca'], user: { username: 'system:serviceaccount:bookinfo:reviews', groups: ['system:serviceaccounts', 'system:serviceaccounts:bookinfo', 'system:authenticated'] } });
    expect((await review('t1', ['vault'])).json.status).toMatchObject({ authenticated: false, error: '[invalid bearer token, token audiences ["istio-ca"] is invalid for the target audiences ["vault"]]' });
    expect((await review('nope', ['istio-ca'])).json.status.authenticated).toBe(false);
  });

  it('creates, refuses a duplicate, gets, replaces and deletes a namespaced object', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio-ca-root-cert' }, data: { 'root-cert.pem': 'a' } };
    expect((await call('POST', '/api/v1/namespaces/default/configmaps', cm)).status).toBe(201);
    expect(await call('POST', '/api/v1/namespaces/default/configmaps', cm)).toMatchObject({ status: 409, json: { reason: 'AlreadyExists' } });
    const got = await call('GET', '/api/v1/namespaces/default/configmaps/istio-ca-root-cert');
    expect(got.json).toMatchObject({ metadata: { namespace: 'default', name: 'istio-ca-root-cert' }, data: { 'root-cert.pem': 'a' } });
    await call('PUT', '/api/v1/namespaces/default/configmaps/istio-ca-root-cert', { ...cm, data: { 'root-cert.pem': 'b' } });
    expect((await call('GET', '/api/v1/namespaces/default/configmaps/istio-ca-root-cert')).json.data).toEqual({ 'root-cert.pem': 'b' });
    expect((await call('DELETE', '/api/v1/namespaces/default/configmaps/istio-ca-root-cert')).status).toBe(200);
    expect((await call('GET', '/api/v1/namespaces/default/configmaps/istio-ca-root-cert')).status).toBe(404);
  });

  it('patches a cluster-scoped object with a JSON Patch or a merge patch', async () => {
    api.apply({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'v' }, webhooks: [{ name: 'w', failurePolicy: 'Ignore', clientConfig: {} }] });
    const path = '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/v';
    await call('PATCH', path, [{ op: 'replace', path: '/webhooks/0/failurePolicy', value: 'Fail' }], 'application/json-patch+json');
    await call('PATCH', path, { metadata: { labels: { a: 'b' } } }, 'application/merge-patch+json');
    expect((await call('GET', path)).json).toMatchObject({ metadata: { labels: { a: 'b' } }, webhooks: [{ name: 'w', failurePolicy: 'Fail' }] });
  });
});
