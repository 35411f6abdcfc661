import { x509 } from './x509.js';
import { generateRsaKey, importPrivateKeyPem, type SigningKey } from './keys.js';

/**
 * The CA's signing material, as istiod's KeyCertBundle: the signing certificate and key, the chain
 * from the signing certificate up to (not including) the root, and the root(s) clients trust.
 */
export interface CaBundle {
  readonly signingCert: x509.X509Certificate;
  readonly signingKey: SigningKey;
  /** PEM of the signing certificate's chain below the root (empty for a self-signed root). */
  readonly certChainPem: string;
  /** PEM of the trusted root(s): what istio-ca-root-cert's root-cert.pem holds. */
  readonly rootCertPem: string;
  /** Where the bundle came from, for logs: `generated`, a Secret or a directory. */
  readonly origin: string;
}

/** The PEM files of a CA: istiod's istio-ca-secret has the first two, a plugged-in cacerts all four. */
export interface CaFiles {
  /** ca-cert.pem: the signing certificate. */
  readonly caCert: string;
  /** ca-key.pem: its private key. */
  readonly caKey: string;
  /** cert-chain.pem: the signing certificate and its intermediates (plugged-in CAs). */
  readonly certChain?: string;
  /** root-cert.pem: the root (plugged-in CAs; a self-signed CA is its own root). */
  readonly rootCert?: string;
}

/** Options of {@link createSelfSignedCa}. */
export interface SelfSignedOptions {
  /** The subject organisation: istiod uses the trust domain. */
  readonly org: string;
  /** Validity in seconds (istiod's CITADEL_SELF_SIGNED_CA_CERT_TTL: 10 years). */
  readonly ttlSeconds?: number;
  readonly now?: Date;
}

/** istiod's self-signed root validity, 87600h. */
export const DEFAULT_ROOT_TTL_SECONDS = 87600 * 3600;

/** Generates a self-signed root as istiod does on first start: RSA 2048, `O=<trust domain>`, CA, 10 years. */
export async function createSelfSignedCa(o: SelfSignedOptions): Promise<{ bundle: CaBundle; files: CaFiles }> {
  const { key, pem } = await generateRsaKey(2048);
  const now = o.now ?? new Date();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: [{ O: [o.org] }],
    keys: { privateKey: key.privateKey, publicKey: key.publicKey },
    signingAlgorithm: key.signingAlgorithm,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + (o.ttlSeconds ?? DEFAULT_ROOT_TTL_SECONDS) * 1000),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(key.publicKey),
    ],
  });
  const certPem = cert.toString('pem') + '\n';
  return {
    bundle: { signingCert: cert, signingKey: key, certChainPem: '', rootCertPem: certPem, origin: 'generated' },
    files: { caCert: certPem, caKey: pem },
  };
}

/**
 * Loads a CA from its PEM files (istio-ca-secret, a cacerts Secret or directory). Checks, as istiod's
 * NewVerifiedKeyCertBundleFromPem does, that the certificate is a CA, that the key matches it, and
 * that it chains to the root. Throws an Error naming `origin` and the file at fault.
 */
export async function loadCa(files: CaFiles, origin: string): Promise<CaBundle> {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(files.caCert);
  } catch (err) {
    throw new Error(`${origin}: ca-cert.pem is not a PEM certificate (${err instanceof Error ? err.message : String(err)})`);
  }
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  if (!bc?.ca) throw new Error(`${origin}: ca-cert.pem (${cert.subject}) is not a CA certificate (basicConstraints CA:TRUE missing)`);
  const signingKey = await importPrivateKeyPem(files.caKey, `${origin}: ca-key.pem`);
  const spki = await x509.cryptoProvider.get().subtle.exportKey('spki', signingKey.publicKey);
  if (Buffer.compare(Buffer.from(spki), Buffer.from(cert.publicKey.rawData)) !== 0) {
    throw new Error(`${origin}: ca-key.pem does not match the public key of ca-cert.pem`);
  }
  const rootCertPem = normalizePem(files.rootCert ?? files.caCert);
  const certChainPem = files.certChain ? normalizePem(files.certChain) : '';
  const roots = splitPem(rootCertPem).map((p) => new x509.X509Certificate(p));
  const chain = [cert, ...splitPem(certChainPem).map((p) => new x509.X509Certificate(p)).filter((c) => !c.equal(cert))];
  const top = chain[chain.length - 1]!;
  const anchored = await anyAsync(roots, async (root) => {
    if (Buffer.from(root.rawData).equals(Buffer.from(top.rawData))) return true;
    return top.issuer === root.subject && (await top.verify({ publicKey: root.publicKey, signatureOnly: true }));
  });
  if (!anchored) throw new Error(`${origin}: ca-cert.pem does not chain to root-cert.pem (issuer ${top.issuer})`);
  return { signingCert: cert, signingKey, certChainPem, rootCertPem, origin };
}

/** Splits concatenated PEM certificates into one PEM string each (with a trailing newline). */
export function splitPem(pem: string): string[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => `${m[0]}\n`);
}

function normalizePem(pem: string): string {
  return splitPem(pem).join('');
}

async function anyAsync<T>(items: readonly T[], test: (t: T) => Promise<boolean>): Promise<boolean> {
  for (const item of items) if (await test(item)) return true;
  return false;
}
