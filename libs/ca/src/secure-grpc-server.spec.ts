import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { startSecureFixture, statusOf, PRODUCTPAGE_TOKEN, WRONG_AUDIENCE_TOKEN, type SecureFixture } from './testing/ca-fixture.js';
import { createCertificate, firstAdsResponse, firstDeltaResponse, generateCsr } from './testing/tls-client.js';
import { x509 } from './x509.js';

const OWN_ID = 'spiffe://cluster.local/ns/default/sa/bookinfo-productpage';
const PRODUCTPAGE_NODE = { id: 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local', metadata: { NAMESPACE: 'default', SERVICE_ACCOUNT: 'bookinfo-productpage' } };

const opensslMissing = spawnSync('openssl', ['version']).error !== undefined;

let f: SecureFixture;
beforeAll(async () => {
  f = await startSecureFixture();
});
afterAll(async () => {
  await f.stop();
});

describe('CreateCertificate over TLS (istiod 15012)', () => {
  it('signs a CSR for the caller\'s own identity: leaf first, root last, 24h by default, accepted by openssl verify', async () => {
    const { csrPem } = await generateCsr([OWN_ID]);
    const res = await createCertificate(f.port, f.bundle.rootCertPem, PRODUCTPAGE_TOKEN, csrPem);
    expect(res.certChain).toHaveLength(2);
    expect(res.certChain[1]).toBe(f.bundle.rootCertPem);
    const leaf = new x509.X509Certificate(res.certChain[0]!);
    const san = leaf.getExtension(x509.SubjectAlternativeNameExtension)!;
    expect(san.names.items.map((n) => [n.type, n.value])).toEqual([['url', OWN_ID]]);
    expect(leaf.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    const hours = (leaf.notAfter.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    expect(await leaf.verify({ publicKey: new x509.X509Certificate(f.bundle.rootCertPem).publicKey, signatureOnly: true })).toBe(true);

    if (opensslMissing) {
      console.warn('openssl not found: skipping `openssl verify` of the issued chain (install it with `apt-get install openssl`)');
      return;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minipilot-ca-'));
    fs.writeFileSync(path.join(dir, 'root.pem'), f.bundle.rootCertPem);
    fs.writeFileSync(path.join(dir, 'leaf.pem'), res.certChain[0]!);
    const out = execFileSync('openssl', ['verify', '-CAfile', path.join(dir, 'root.pem'), path.join(dir, 'leaf.pem')], { encoding: 'utf8' });
    expect(out.trim()).toBe(`${path.join(dir, 'leaf.pem')}: OK`);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('honours a requested validity below the maximum', async () => {
    const { csrPem } = await generateCsr([OWN_ID]);
    const res = await createCertificate(f.port, f.bundle.rootCertPem, PRODUCTPAGE_TOKEN, csrPem, 3600);
    const leaf = new x509.X509Certificate(res.certChain[0]!);
    expect(Math.round((leaf.notAfter.getTime() - leaf.notBefore.getTime()) / 60_000)).toBe(61);
  });

  it('refuses a validity above the maximum with istiod\'s message', async () => {
    const { csrPem } = await generateCsr([OWN_ID]);
    const s = await statusOf(createCertificate(f.port, f.bundle.rootCertPem, PRODUCTPAGE_TOKEN, csrPem, 91 * 24 * 3600));
    expect(s).toEqual({ code: grpc.status.INVALID_ARGUMENT, details: 'CSR signing error (requested TTL 2184h0m0s is greater than the max allowed TTL 2160h0m0s)' });
  });

  it('refuses a CSR for another namespace\'s identity, naming both', async () => {
    const { csrPem } = await generateCsr(['spiffe://cluster.local/ns/istio-system/sa/istiod']);
    const s = await statusOf(createCertificate(f.port, f.bundle.rootCertPem, PRODUCTPAGE_TOKEN, csrPem));
    expect(s.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(s.details).toBe(`the CSR asks for SAN spiffe://cluster.local/ns/istio-system/sa/istiod but the caller is authenticated as ${OWN_ID}; a workload may only get a certificate for its own identity`);
  });

  it('refuses callers without a token, with an unknown token or a token for another audience', async () => {
    const { csrPem } = await generateCsr([OWN_ID]);
    for (const token of [undefined, 'not-a-token', WRONG_AUDIENCE_TOKEN]) {
      expect(await statusOf(createCertificate(f.port, f.bundle.rootCertPem, token, csrPem))).toEqual({ code: grpc.status.UNAUTHENTICATED, details: 'request authenticate failure' });
    }
    const reasons = f.logger.lines.filter((l) => l.level === 'warn').map((l) => l.msg);
    expect(reasons).toEqual(expect.arrayContaining([
      'certificate request refused: no bearer token in the authorization metadata',
      'certificate request refused: failed to validate the JWT: [invalid bearer token, service account token has been invalidated]',
      expect.stringMatching(/^certificate request refused: failed to validate the JWT: \[invalid bearer token, token audiences \["https:\/\/kubernetes.default.svc"\] is invalid/),
    ]));
  });
});

/** The serving certificate a new TLS connection gets (verified against the root with istiod's name). */
function servedCertificate(): Promise<tls.PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: f.port, servername: 'istiod.istio-system.svc', ca: f.bundle.rootCertPem, ALPNProtocols: ['h2'] }, () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve(cert);
    });
    socket.on('error', reject);
  });
}

describe('the serving certificate', () => {
  it('names istiod and is re-issued without a restart; new connections get the new one', async () => {
    const before = await servedCertificate();
    expect(before.subjectaltname).toBe('DNS:istiod.istio-system.svc');
    await f.serving.rotate();
    const after = await servedCertificate();
    expect(after.serialNumber).not.toBe(before.serialNumber);
    expect(after.subjectaltname).toBe('DNS:istiod.istio-system.svc');
  });
});

describe('ADS over TLS (istiod 15012)', () => {
  it('serves a stream that carries a valid token for the proxy\'s own namespace', async () => {
    const res = await firstAdsResponse(f.port, f.bundle.rootCertPem, PRODUCTPAGE_TOKEN, PRODUCTPAGE_NODE);
    expect(res.typeUrl).toBe('type.googleapis.com/envoy.config.cluster.v3.Cluster');
  });

  it('serves delta ADS (istio-agent\'s default) the same way, and refuses it without a token', async () => {
    const res = await firstDeltaResponse(f.port, f.bundle.rootCertPem, PRODUCTPAGE_TOKEN, PRODUCTPAGE_NODE);
    expect(res.typeUrl).toBe('type.googleapis.com/envoy.config.cluster.v3.Cluster');
    await expect(firstDeltaResponse(f.port, f.bundle.rootCertPem, undefined, PRODUCTPAGE_NODE)).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
  });

  it('refuses a proxy whose node names another ServiceAccount of the same namespace', async () => {
    const node = { ...PRODUCTPAGE_NODE, metadata: { NAMESPACE: 'default', SERVICE_ACCOUNT: 'bookinfo-reviews' } };
    await expect(firstAdsResponse(f.port, f.bundle.rootCertPem, PRODUCTPAGE_TOKEN, node)).rejects.toMatchObject({
      code: grpc.status.PERMISSION_DENIED, details: `authorization failed: no identities ([${OWN_ID}]) matched default/bookinfo-reviews`,
    });
  });

  it('refuses a stream without a token (UNAUTHENTICATED, as istiod)', async () => {
    const err = await firstAdsResponse(f.port, f.bundle.rootCertPem, undefined, PRODUCTPAGE_NODE).then(() => undefined, (e: grpc.ServiceError) => e);
    expect({ code: err?.code, details: err?.details }).toEqual({ code: grpc.status.UNAUTHENTICATED, details: 'authentication failure' });
    expect(f.xds.connections().map((c) => c.nodeId)).not.toContain(PRODUCTPAGE_NODE.id);
  });

  it('refuses a proxy asking for another namespace\'s config (PERMISSION_DENIED, istiod\'s message)', async () => {
    const node = { id: 'sidecar~10.244.0.99~istiod-0.istio-system~istio-system.svc.cluster.local', metadata: { NAMESPACE: 'istio-system' } };
    const err = await firstAdsResponse(f.port, f.bundle.rootCertPem, PRODUCTPAGE_TOKEN, node).then(() => undefined, (e: grpc.ServiceError) => e);
    expect({ code: err?.code, details: err?.details }).toEqual({ code: grpc.status.PERMISSION_DENIED, details: `authorization failed: no identities ([${OWN_ID}]) matched istio-system/` });
  });
});
