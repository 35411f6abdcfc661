import { CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { createSelfSignedCa, loadCa, type CaBundle, type CaFiles } from './ca-bundle.js';
import { CA_FILE_NAMES } from './file-ca-store.js';
import { isHttpStatus } from './kube-errors.js';

/** istiod's Secret of its self-signed root. */
export const CA_SECRET = 'istio-ca-secret';
/** The Secret of a plugged-in CA (istiod reads it mounted at ./etc/cacerts). */
export const PLUGGED_CA_SECRET = 'cacerts';
/** The type istiod gives istio-ca-secret. */
export const CA_SECRET_TYPE = 'istio.io/ca-root';

/** Options of {@link loadOrCreateKubeCa}. */
export interface KubeCaOptions {
  readonly kubeConfig: KubeConfig;
  /** istiod's own namespace (POD_NAMESPACE, default istio-system). */
  readonly namespace: string;
  readonly trustDomain: string;
}

/**
 * The CA in a cluster, as istiod chooses it: a plugged-in `cacerts` Secret if there is one;
 * else `istio-ca-secret` (ca-cert.pem, ca-key.pem); else a new self-signed root, stored in a new
 * `istio-ca-secret` so every restart and replica uses the same root (a replica that loses the
 * create race reads the winner's). Throws an Error naming the Secret and key at fault.
 */
export async function loadOrCreateKubeCa(o: KubeCaOptions): Promise<{ bundle: CaBundle; created: boolean }> {
  const core = o.kubeConfig.makeApiClient(CoreV1Api);
  const read = async (name: string): Promise<V1Secret | undefined> => {
    try {
      return await core.readNamespacedSecret({ name, namespace: o.namespace });
    } catch (err) {
      if (isHttpStatus(err, 404)) return undefined;
      throw new Error(`Secret ${o.namespace}/${name}: cannot be read (${err instanceof Error ? err.message : String(err)})`);
    }
  };
  const plugged = await read(PLUGGED_CA_SECRET);
  if (plugged) return { bundle: await loadCa(filesOf(plugged, `Secret ${o.namespace}/${PLUGGED_CA_SECRET}`), `Secret ${o.namespace}/${PLUGGED_CA_SECRET}`), created: false };
  const existing = await read(CA_SECRET);
  const origin = `Secret ${o.namespace}/${CA_SECRET}`;
  if (existing) return { bundle: await loadCa(filesOf(existing, origin), origin), created: false };
  const { bundle, files } = await createSelfSignedCa({ org: o.trustDomain });
  const body: V1Secret = {
    apiVersion: 'v1', kind: 'Secret', type: CA_SECRET_TYPE,
    metadata: { name: CA_SECRET, namespace: o.namespace },
    data: { [CA_FILE_NAMES.caCert]: b64(files.caCert), [CA_FILE_NAMES.caKey]: b64(files.caKey) },
  };
  try {
    await core.createNamespacedSecret({ namespace: o.namespace, body });
  } catch (err) {
    if (!isHttpStatus(err, 409)) throw new Error(`${origin}: cannot be created (${err instanceof Error ? err.message : String(err)})`);
    const winner = await read(CA_SECRET);
    if (!winner) throw new Error(`${origin}: exists (409) but cannot be read back`);
    return { bundle: await loadCa(filesOf(winner, origin), origin), created: false };
  }
  return { bundle: { ...bundle, origin }, created: true };
}

function filesOf(secret: V1Secret, origin: string): CaFiles {
  const data = secret.data ?? {};
  const get = (key: string): string | undefined => (data[key] ? Buffer.from(data[key], 'base64').toString('utf8') : undefined);
  const caCert = get(CA_FILE_NAMES.caCert);
  const caKey = get(CA_FILE_NAMES.caKey);
  if (!caCert) throw new Error(`${origin}: data.${CA_FILE_NAMES.caCert} is missing`);
  if (!caKey) throw new Error(`${origin}: data.${CA_FILE_NAMES.caKey} is missing`);
  const certChain = get(CA_FILE_NAMES.certChain);
  const rootCert = get(CA_FILE_NAMES.rootCert);
  return { caCert, caKey, ...(certChain ? { certChain } : {}), ...(rootCert ? { rootCert } : {}) };
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
