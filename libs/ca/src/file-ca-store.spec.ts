import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createSelfSignedCa } from './ca-bundle.js';
import { loadOrCreateFileCa } from './file-ca-store.js';
import { signCsr, DEFAULT_WORKLOAD_CERT_TTL_SECONDS, MAX_WORKLOAD_CERT_TTL_SECONDS } from './sign-csr.js';
import { generateCsr } from './testing/tls-client.js';
import { x509 } from './x509.js';
import { generateRsaKey } from './keys.js';

const TTL = { defaultSeconds: DEFAULT_WORKLOAD_CERT_TTL_SECONDS, maxSeconds: MAX_WORKLOAD_CERT_TTL_SECONDS };
const ID = 'spiffe://cluster.local/ns/default/sa/default';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minipilot-cadir-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** An intermediate CA signed by `root`, as a plugged-in cacerts directory holds it. */
async function intermediate(root: Awaited<ReturnType<typeof createSelfSignedCa>>): Promise<{ certPem: string; keyPem: string }> {
  const { key, pem } = await generateRsaKey(2048);
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'O=cluster.local, CN=Intermediate CA', issuer: root.bundle.signingCert.subjectName,
    publicKey: key.publicKey, signingKey: root.bundle.signingKey.privateKey, signingAlgorithm: root.bundle.signingKey.signingAlgorithm,
    notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 365 * 86400_000),
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  return { certPem: `${cert.toString('pem')}\n`, keyPem: pem };
}

describe('the CA directory (file mode)', () => {
  it('serves a plugged-in intermediate CA: chain is leaf, intermediate, root', async () => {
    const root = await createSelfSignedCa({ org: 'cluster.local' });
    const inter = await intermediate(root);
    fs.writeFileSync(path.join(dir, 'ca-cert.pem'), inter.certPem);
    fs.writeFileSync(path.join(dir, 'ca-key.pem'), inter.keyPem);
    fs.writeFileSync(path.join(dir, 'cert-chain.pem'), inter.certPem);
    fs.writeFileSync(path.join(dir, 'root-cert.pem'), root.files.caCert);
    const { bundle, created } = await loadOrCreateFileCa(dir, 'cluster.local');
    expect(created).toBe(false);
    const chain = await signCsr(bundle, { csrPem: (await generateCsr([ID])).csrPem, identities: [ID], requestedTtlSeconds: 0 }, TTL);
    expect(chain.map((p) => new x509.X509Certificate(p).subject)).toEqual(['', 'O=cluster.local, CN=Intermediate CA', 'O=cluster.local']);
  });

  it('names the file at fault: a key without its certificate, or a certificate that does not chain to the root', async () => {
    const a = await createSelfSignedCa({ org: 'cluster.local' });
    const b = await createSelfSignedCa({ org: 'other.example' });
    fs.writeFileSync(path.join(dir, 'ca-cert.pem'), a.files.caCert);
    await expect(loadOrCreateFileCa(dir, 'cluster.local')).rejects.toThrow(`${path.join(dir, 'ca-key.pem')}: missing (ca-cert.pem is there; a CA needs both)`);
    fs.writeFileSync(path.join(dir, 'ca-key.pem'), b.files.caKey);
    await expect(loadOrCreateFileCa(dir, 'cluster.local')).rejects.toThrow(`${dir}: ca-key.pem does not match the public key of ca-cert.pem`);
    fs.writeFileSync(path.join(dir, 'ca-key.pem'), a.files.caKey);
    fs.writeFileSync(path.join(dir, 'root-cert.pem'), b.files.caCert);
    await expect(loadOrCreateFileCa(dir, 'cluster.local')).rejects.toThrow(`${dir}: ca-cert.pem does not chain to root-cert.pem (issuer O=cluster.local)`);
  });
});
