// Gateway server TLS rules (validation.go: validateTLSOptions; pkg/config/security: IsValidCipherSuite).
import type { ServerTLSSettings } from '../istio/gateway.js';
import { at, type Collector } from './collector.js';

// The cipher suite names Istio accepts (security.ValidCipherSuites).
const CIPHERS = new Set([
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA',
  'ECDHE-RSA-AES256-SHA', 'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA', 'AES256-SHA', 'DES-CBC3-SHA',
]);

/** Istio's IsValidCipherSuite: a known name, empty, `ALL`, or an expression starting with an operator (`-`, `+`, `!`, `[`...). */
function isValidCipherSuite(cs: string): boolean {
  if (cs === '' || cs === 'ALL') return true;
  if (!/^[\p{L}\p{N}]/u.test(cs)) return true;
  return CIPHERS.has(cs);
}

/** Go's `%v` of a sorted string set: `[a b]`. */
const goList = (values: Iterable<string>): string => `[${[...values].sort().join(' ')}]`;

/** Reports Istio's rules for a gateway server's TLS settings, in Istio's order. */
export function checkServerTls(c: Collector, field: string, t: ServerTLSSettings | undefined): void {
  if (!t) return;
  if ((t.minProtocolVersion === 'TLSV1_0' || t.minProtocolVersion === 'TLSV1_1') && (t.cipherSuites ?? []).length === 0) {
    c.warn(at(field, 'minProtocolVersion'), 'TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers.');
  }
  checkCiphers(c, at(field, 'cipherSuites'), t.cipherSuites ?? []);
  const mode = t.mode ?? 'PASSTHROUGH';
  const credentialNames = (t.credentialNames ?? []).length > 0;
  const tlsCertificates = t.tlsCertificates ?? [];
  if (mode === 'ISTIO_MUTUAL') {
    const forbidden = [
      [!!t.serverCertificate, 'server certificate'], [!!t.privateKey, 'private key'], [!!t.caCertificates, 'CA bundle'],
      [tlsCertificates.length > 0, 'tlsCertificates'], [!!t.credentialName, 'credentialName'], [credentialNames, 'credentialNames'],
    ] as const;
    for (const [set, label] of forbidden) if (set) c.error(field, `ISTIO_MUTUAL TLS cannot have associated ${label}`);
    return;
  }
  const anyCert = !!(t.caCrl || t.serverCertificate || t.privateKey || t.caCertificates || tlsCertificates.length > 0 || t.credentialName || credentialNames);
  if ((mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH') && anyCert) c.warn(field, `${mode} mode does not use certificates, they will be ignored`);
  const sources = [!!(t.serverCertificate && t.privateKey), !!t.credentialName, credentialNames, tlsCertificates.length > 0].filter(Boolean).length;
  if (sources > 1) c.error(field, 'only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified');
  const terminates = mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  // With credentialName(s) the certificates come from the credential (SDS): nothing more is required.
  if (terminates && (t.credentialName || credentialNames)) return;
  if (terminates) {
    const prefix = mode === 'SIMPLE' ? 'SIMPLE TLS' : 'MUTUAL TLS';
    if (mode !== 'SIMPLE' && !t.caCertificates) c.error(field, `${prefix} requires a client CA bundle`);
    if (tlsCertificates.length > 2) c.warn(at(field, 'tlsCertificates'), `${prefix} can support up to 2 server certificates`);
    const certs = tlsCertificates.length > 0 ? tlsCertificates : [{ serverCertificate: t.serverCertificate, privateKey: t.privateKey }];
    for (const cert of certs) {
      if (!cert.serverCertificate) c.error(field, `${prefix} requires a server certificate`);
      if (!cert.privateKey) c.error(field, `${prefix} requires a private key`);
    }
  }
  if (t.caCrl) {
    if (t.credentialName) c.error(field, 'CRL is not supported with credentialName. CRL has to be specified in the credential');
    if (mode === 'SIMPLE') c.error(field, 'CRL is not supported with SIMPLE TLS');
  }
}

function checkCiphers(c: Collector, field: string, ciphers: readonly string[]): void {
  const invalid = new Set<string>();
  const valid = new Set<string>();
  const duplicate = new Set<string>();
  for (const s of ciphers) {
    if (!isValidCipherSuite(s)) invalid.add(s);
    else if (valid.has(s)) duplicate.add(s);
    else valid.add(s);
  }
  if (invalid.size > 0) c.warn(field, `ignoring invalid cipher suites: ${goList(invalid)}`);
  if (duplicate.size > 0) c.warn(field, `ignoring duplicate cipher suites: ${goList(duplicate)}`);
}
