import * as crypto from 'node:crypto';
import { promisify } from 'node:util';

type CryptoKey = crypto.webcrypto.CryptoKey;
type RsaHashedImportParams = crypto.webcrypto.RsaHashedImportParams;
type EcKeyImportParams = crypto.webcrypto.EcKeyImportParams;
type Algorithm = crypto.webcrypto.Algorithm;
type EcdsaParams = crypto.webcrypto.EcdsaParams;

const { subtle } = crypto.webcrypto;

/** A private key usable for signing with WebCrypto, with the algorithm it signs with. */
export interface SigningKey {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly algorithm: RsaHashedImportParams | EcKeyImportParams;
  /** The signature algorithm for @peculiar/x509 (RSASSA-PKCS1-v1_5 or ECDSA, SHA-256). */
  readonly signingAlgorithm: Algorithm | EcdsaParams;
}

const RSA: RsaHashedImportParams = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

/**
 * Reads a PEM private key (PKCS#1 `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY` or PKCS#8 `PRIVATE KEY`,
 * as istiod's ca-key.pem and plugged-in CA keys come) into a WebCrypto signing key. Throws an Error
 * naming `source` when the key cannot be read or is of an unsupported type.
 */
export async function importPrivateKeyPem(pem: string, source: string): Promise<SigningKey> {
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(pem);
  } catch (err) {
    throw new Error(`${source}: not a PEM private key (${err instanceof Error ? err.message : String(err)})`);
  }
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const spki = crypto.createPublicKey(key).export({ type: 'spki', format: 'der' });
  let algorithm: RsaHashedImportParams | EcKeyImportParams;
  if (key.asymmetricKeyType === 'rsa') algorithm = RSA;
  else if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const namedCurve = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : undefined;
    if (!namedCurve) throw new Error(`${source}: EC curve ${String(curve)} is not supported (P-256 or P-384)`);
    algorithm = { name: 'ECDSA', namedCurve };
  } else throw new Error(`${source}: key type ${String(key.asymmetricKeyType)} is not supported (RSA or EC)`);
  const privateKey = await subtle.importKey('pkcs8', pkcs8, algorithm, true, ['sign']);
  const publicKey = await subtle.importKey('spki', spki, algorithm, true, ['verify']);
  const signingAlgorithm = algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash: (algorithm as EcKeyImportParams).namedCurve === 'P-384' ? 'SHA-384' : 'SHA-256' } : RSA;
  return { privateKey, publicKey, algorithm, signingAlgorithm };
}

/**
 * Generates an RSA key (istiod's self-signed root and its own serving keys are RSA 2048) and
 * returns it with its PEM: PKCS#1 `RSA PRIVATE KEY`, the form istiod writes to ca-key.pem.
 */
export async function generateRsaKey(bits = 2048): Promise<{ key: SigningKey; pem: string }> {
  const { privateKey } = await promisify(crypto.generateKeyPair)('rsa', { modulusLength: bits });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return { key: await importPrivateKeyPem(pem, 'generated key'), pem };
}
