import * as crypto from 'node:crypto';
import { x509 } from './x509.js';
import { splitPem, type CaBundle } from './ca-bundle.js';
import { CaError } from './ca-error.js';

/** istiod's DEFAULT_WORKLOAD_CERT_TTL: 24h. */
export const DEFAULT_WORKLOAD_CERT_TTL_SECONDS = 24 * 3600;
/** istiod's MAX_WORKLOAD_CERT_TTL: 90 days. */
export const MAX_WORKLOAD_CERT_TTL_SECONDS = 90 * 24 * 3600;

/** How long issued certificates live. */
export interface TtlPolicy {
  /** Used when the request asks for 0 or less (istiod: 24h). */
  readonly defaultSeconds: number;
  /** A longer request is refused, as istiod refuses it (istiod: 90 days). */
  readonly maxSeconds: number;
}

/** One signing request, after the caller was authenticated. */
export interface SignRequest {
  readonly csrPem: string;
  /** The caller's identities (`spiffe://…` URIs): the certificate's SANs. */
  readonly identities: readonly string[];
  /** Requested validity in seconds (IstioCertificateRequest.validity_duration). */
  readonly requestedTtlSeconds: number;
  readonly now?: Date;
}

/**
 * Signs a workload certificate as istiod's CA does and returns the chain istiod returns: the leaf,
 * the intermediates, the root, one PEM certificate per entry, each ending in a newline.
 *
 * The certificate's SANs are the caller's identities (a URI SAN, critical because the subject is
 * empty), never what the CSR asks for; unlike istiod, a CSR that asks for any other SAN (URI, DNS,
 * IP or e-mail) is refused with `SanNotAllowed` rather than silently rewritten, so a misconfigured
 * agent sees why. Throws {@link CaError}.
 */
export async function signCsr(bundle: CaBundle, req: SignRequest, ttl: TtlPolicy): Promise<string[]> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(req.csrPem);
  } catch (err) {
    throw new CaError('CsrInvalid', `CSR signing error (the CSR is not a PEM PKCS#10 request: ${err instanceof Error ? err.message : String(err)})`);
  }
  if (!(await csr.verify())) throw new CaError('CsrInvalid', 'CSR signing error (the CSR signature does not verify)');
  const requested = requestedSans(csr);
  const foreign = requested.filter((san) => !req.identities.includes(san));
  if (foreign.length > 0) {
    throw new CaError('SanNotAllowed', `the CSR asks for SAN ${foreign.join(', ')} but the caller is authenticated as ${req.identities.join(', ') || 'nobody'}; a workload may only get a certificate for its own identity`);
  }
  if (req.requestedTtlSeconds > ttl.maxSeconds) {
    throw new CaError('TtlTooLong', `CSR signing error (requested TTL ${goDuration(req.requestedTtlSeconds)} is greater than the max allowed TTL ${goDuration(ttl.maxSeconds)})`);
  }
  const lifetime = req.requestedTtlSeconds > 0 ? req.requestedTtlSeconds : ttl.defaultSeconds;
  const now = req.now ?? new Date();
  try {
    const leaf = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: csr.subjectName,
      issuer: bundle.signingCert.subjectName,
      publicKey: csr.publicKey,
      signingKey: bundle.signingKey.privateKey,
      signingAlgorithm: bundle.signingKey.signingAlgorithm,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + lifetime * 1000),
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        new x509.BasicConstraintsExtension(false, undefined, true),
        await x509.AuthorityKeyIdentifierExtension.create(bundle.signingCert),
        new x509.SubjectAlternativeNameExtension(req.identities.map((value) => ({ type: 'url' as const, value })), true),
      ],
    });
    return [`${leaf.toString('pem')}\n`, ...splitPem(bundle.certChainPem).filter((p) => !samePem(p, leaf)), ...splitPem(bundle.rootCertPem)].filter(dedupe());
  } catch (err) {
    throw new CaError('SignFailed', `CSR signing error (${err instanceof Error ? err.message : String(err)})`);
  }
}

/**
 * Issues a serving certificate for DNS names (istiod's own certificate for 15012 and 15017) with a
 * fresh key. Returns the key and the chain (leaf, intermediates, root) as PEM.
 */
export async function issueServingCert(bundle: CaBundle, dnsNames: readonly string[], ttlSeconds: number, now = new Date()): Promise<{ keyPem: string; chainPem: string; notAfter: Date }> {
  const { privateKey } = await new Promise<{ privateKey: crypto.KeyObject }>((resolve, reject) =>
    crypto.generateKeyPair('ec', { namedCurve: 'prime256v1' }, (err, _pub, priv) => (err ? reject(err) : resolve({ privateKey: priv }))));
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const spki = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const notAfter = new Date(now.getTime() + ttlSeconds * 1000);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: '',
    issuer: bundle.signingCert.subjectName,
    publicKey: new x509.PublicKey(spki),
    signingKey: bundle.signingKey.privateKey,
    signingAlgorithm: bundle.signingKey.signingAlgorithm,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.BasicConstraintsExtension(false, undefined, true),
      await x509.AuthorityKeyIdentifierExtension.create(bundle.signingCert),
      new x509.SubjectAlternativeNameExtension(dnsNames.map((value) => ({ type: 'dns' as const, value })), true),
    ],
  });
  return { keyPem, chainPem: [`${cert.toString('pem')}\n`, ...splitPem(bundle.certChainPem), ...splitPem(bundle.rootCertPem)].filter(dedupe()).join(''), notAfter };
}

/** The SANs a CSR asks for (extensionRequest attribute), as `spiffe://…`, DNS names, IPs or e-mails. */
function requestedSans(csr: x509.Pkcs10CertificateRequest): string[] {
  const ext = csr.extensions.find((e): e is x509.SubjectAlternativeNameExtension => e instanceof x509.SubjectAlternativeNameExtension);
  return ext ? ext.names.items.map((n) => n.value) : [];
}

/** A positive random 128-bit serial number (hex), as Go's crypto/x509 templates use. */
function randomSerial(): string {
  const bytes = crypto.randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

function samePem(pem: string, cert: x509.X509Certificate): boolean {
  return new x509.X509Certificate(pem).equal(cert);
}

function dedupe(): (pem: string) => boolean {
  const seen = new Set<string>();
  return (pem) => (seen.has(pem) ? false : (seen.add(pem), true));
}

/** Seconds as Go prints a time.Duration (`2160h0m0s`), so messages read like istiod's. */
export function goDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}
