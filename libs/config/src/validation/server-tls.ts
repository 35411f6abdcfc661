// Gateway server TLS rules (Istio's validateTLSOptions).
import type { ServerTLSSettings } from '../istio/gateway.js';
import { at, type Collector } from './collector.js';

// Cipher suite names Envoy (BoringSSL) accepts, as Istio checks them.
const CIPHERS = new Set([
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA',
  'ECDHE-RSA-AES256-SHA', 'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA', 'AES256-SHA', 'DES-CBC3-SHA', 'ECDHE-PSK-AES128-CBC-SHA',
  'ECDHE-PSK-AES256-CBC-SHA', 'ECDHE-PSK-CHACHA20-POLY1305', 'PSK-AES128-CBC-SHA', 'PSK-AES256-CBC-SHA',
  '[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-ECDSA-CHACHA20-POLY1305]', '[ECDHE-RSA-AES128-GCM-SHA256|ECDHE-RSA-CHACHA20-POLY1305]',
]);

/** Reports Istio's rules for a gateway server's TLS settings. */
export function checkServerTls(c: Collector, field: string, t: ServerTLSSettings | undefined): void {
  if (!t) return;
  const mode = t.mode ?? 'PASSTHROUGH';
  if (mode === 'ISTIO_MUTUAL') {
    const forbidden = [
      [t.serverCertificate, 'server certificate'], [t.privateKey, 'private key'], [t.caCertificates, 'CA bundle'],
      [t.credentialName, 'credentialName'], [t.credentialNames?.length ? 'x' : '', 'credentialNames'], [t.tlsCertificates?.length ? 'x' : '', 'tlsCertificates'],
    ] as const;
    for (const [value, label] of forbidden) if (value) c.error(field, `ISTIO_MUTUAL TLS cannot have associated ${label}`);
    return;
  }
  const hasCerts = !!(t.caCrl || t.serverCertificate || t.privateKey || t.caCertificates || t.credentialName || t.credentialNames?.length || t.tlsCertificates?.length);
  if ((mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH') && hasCerts) c.warn(field, `${mode} mode does not use certificates, they will be ignored`);
  checkCiphers(c, at(field, 'cipherSuites'), t.cipherSuites ?? []);
  if ((t.tlsCertificates?.length ?? 0) > 2) c.warn(at(field, 'tlsCertificates'), 'more than 2 tlsCertificates are not supported; only the first 2 are used');
  const sources = [!!t.credentialName, (t.credentialNames?.length ?? 0) > 0, !!t.serverCertificate, (t.tlsCertificates?.length ?? 0) > 0].filter(Boolean).length;
  if (sources > 1) c.error(field, 'only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified');
  const needsCerts = mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  if (needsCerts && (t.credentialName || (t.credentialNames?.length ?? 0) > 0)) {
    if (t.caCrl) c.error(field, 'CRL is not supported with credentialName. CRL has to be specified in the credential');
    return;
  }
  const fromList = (t.tlsCertificates?.length ?? 0) > 0;
  if (mode === 'SIMPLE') {
    if (!t.serverCertificate && !fromList) c.error(field, 'SIMPLE TLS requires a server certificate');
    if (!t.privateKey && !fromList) c.error(field, 'SIMPLE TLS requires a private key');
    if (t.caCrl) c.error(field, 'CRL is not supported with SIMPLE TLS');
  } else if (mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL') {
    if (!t.serverCertificate && !fromList) c.error(field, 'MUTUAL TLS requires a server certificate');
    if (!t.privateKey && !fromList) c.error(field, 'MUTUAL TLS requires a private key');
    if (!t.caCertificates) c.error(field, 'MUTUAL TLS requires a client CA bundle');
  }
}

function checkCiphers(c: Collector, field: string, ciphers: readonly string[]): void {
  const invalid: string[] = [];
  const duplicate: string[] = [];
  const seen = new Set<string>();
  for (const s of ciphers) {
    if (seen.has(s)) duplicate.push(s);
    else if (!CIPHERS.has(s)) invalid.push(s);
    seen.add(s);
  }
  if (invalid.length > 0) c.warn(field, `ignoring invalid cipher suites: [${invalid.join(' ')}]`);
  if (duplicate.length > 0) c.warn(field, `ignoring duplicate cipher suites: [${duplicate.join(' ')}]`);
}
