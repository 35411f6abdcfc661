import * as fs from 'node:fs';
import * as path from 'node:path';
import { createSelfSignedCa, loadCa, type CaBundle, type CaFiles } from './ca-bundle.js';

/** The file names istiod uses in istio-ca-secret and in a plugged-in cacerts directory. */
export const CA_FILE_NAMES = { caCert: 'ca-cert.pem', caKey: 'ca-key.pem', certChain: 'cert-chain.pem', rootCert: 'root-cert.pem' } as const;

/**
 * The CA of file mode (no cluster): loads `dir/ca-cert.pem` + `ca-key.pem` (and, for a plugged-in
 * CA, `cert-chain.pem` and `root-cert.pem`), or, when `ca-cert.pem` is absent, generates a
 * self-signed root for `trustDomain` and writes it there (key mode 0600, plus `root-cert.pem`), so
 * the same root survives restarts. Throws an Error naming the file at fault.
 */
export async function loadOrCreateFileCa(dir: string, trustDomain: string): Promise<{ bundle: CaBundle; created: boolean }> {
  const file = (name: string): string => path.join(dir, name);
  const read = (name: string): string | undefined => (fs.existsSync(file(name)) ? fs.readFileSync(file(name), 'utf8') : undefined);
  const caCert = read(CA_FILE_NAMES.caCert);
  if (caCert !== undefined) {
    const caKey = read(CA_FILE_NAMES.caKey);
    if (caKey === undefined) throw new Error(`${file(CA_FILE_NAMES.caKey)}: missing (${CA_FILE_NAMES.caCert} is there; a CA needs both)`);
    const chain = read(CA_FILE_NAMES.certChain);
    const root = read(CA_FILE_NAMES.rootCert);
    const files: CaFiles = { caCert, caKey, ...(chain ? { certChain: chain } : {}), ...(root ? { rootCert: root } : {}) };
    return { bundle: await loadCa(files, dir), created: false };
  }
  const { bundle, files } = await createSelfSignedCa({ org: trustDomain });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(file(CA_FILE_NAMES.caKey), files.caKey, { mode: 0o600 });
  fs.writeFileSync(file(CA_FILE_NAMES.caCert), files.caCert);
  fs.writeFileSync(file(CA_FILE_NAMES.rootCert), bundle.rootCertPem);
  return { bundle: { ...bundle, origin: dir }, created: true };
}
