import { CoreV1Api, makeInformer, type KubeConfig, type V1ConfigMap, type V1Namespace } from '@kubernetes/client-node';
import { isHttpStatus } from './kube-errors.js';
import { keepWatching, type KeptInformer } from './keep-watching.js';
import type { Logger } from './logger.js';

/** The ConfigMap istiod publishes the root in, in every namespace. */
export const ROOT_CERT_CONFIGMAP = 'istio-ca-root-cert';
/** Its data key, which the injected `istiod-ca-cert` volume mounts as /var/run/secrets/istio/root-cert.pem. */
export const ROOT_CERT_KEY = 'root-cert.pem';
/** The label istiod puts on it. */
export const ROOT_CERT_LABELS: Readonly<Record<string, string>> = { 'istio.io/config': 'true' };
/** Namespaces istiod never injects into nor publishes the root in (pkg/kube/inject IgnoredNamespaces). */
export const IGNORED_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

/** Options of {@link startRootCertPublisher}. */
export interface RootCertPublisherOptions {
  readonly kubeConfig: KubeConfig;
  /** The PEM to publish (a function, so a new root is published on the next event). */
  readonly rootCertPem: () => string;
  readonly logger: Logger;
}

/** A running publisher; see {@link startRootCertPublisher}. */
export interface RootCertPublisher {
  /** Resolves when the initial list of namespaces has been reconciled once. */
  readonly synced: Promise<void>;
  /** Writes the root to every namespace again (e.g. after the root changed). */
  publishAll(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * istiod's NamespaceController: keeps ConfigMap `istio-ca-root-cert` (data `root-cert.pem`, label
 * `istio.io/config=true`) in every namespace but the system ones. It watches Namespaces (a new
 * namespace gets it at once) and these ConfigMaps (an edited or deleted one is put back).
 */
export function startRootCertPublisher(o: RootCertPublisherOptions): RootCertPublisher {
  const core = o.kubeConfig.makeApiClient(CoreV1Api);
  const log = o.logger;
  const namespaces = makeInformer<V1Namespace>(o.kubeConfig, '/api/v1/namespaces', () => core.listNamespace());
  const labelSelector = Object.entries(ROOT_CERT_LABELS).map(([k, v]) => `${k}=${v}`).join(',');
  const configMaps = makeInformer<V1ConfigMap>(o.kubeConfig, '/api/v1/configmaps', () => core.listConfigMapForAllNamespaces({ labelSelector }), labelSelector);
  let stopped = false;

  const wanted = (ns: V1Namespace | undefined): boolean =>
    ns !== undefined && !IGNORED_NAMESPACES.has(ns.metadata?.name ?? '') && ns.status?.phase !== 'Terminating';

  async function reconcile(namespace: string): Promise<void> {
    if (stopped || !wanted(namespaces.get(namespace))) return;
    const root = o.rootCertPem();
    const current = configMaps.get(ROOT_CERT_CONFIGMAP, namespace);
    if (current?.data?.[ROOT_CERT_KEY] === root) return;
    const body: V1ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CERT_CONFIGMAP, namespace, labels: { ...ROOT_CERT_LABELS } }, data: { [ROOT_CERT_KEY]: root } };
    try {
      if (current) await core.replaceNamespacedConfigMap({ name: ROOT_CERT_CONFIGMAP, namespace, body: { ...body, metadata: { ...current.metadata, ...body.metadata, labels: { ...current.metadata?.labels, ...ROOT_CERT_LABELS } } } });
      else await core.createNamespacedConfigMap({ namespace, body });
      log.info({ scope: 'namespacecontroller', namespace }, `${current ? 'updated' : 'created'} ConfigMap ${namespace}/${ROOT_CERT_CONFIGMAP}`);
    } catch (err) {
      if (isHttpStatus(err, 409) || isHttpStatus(err, 404)) return; // raced with another writer or a deleted namespace; the watch brings us back
      log.error({ scope: 'namespacecontroller', namespace, err }, `cannot write ConfigMap ${namespace}/${ROOT_CERT_CONFIGMAP}`);
    }
  }
  const each = (fn: (ns: string) => Promise<void>) => (obj: { metadata?: { name?: string; namespace?: string } }): void => {
    void fn(obj.metadata?.namespace ?? obj.metadata?.name ?? '');
  };
  namespaces.on('add', each(reconcile));
  namespaces.on('update', each(reconcile));
  configMaps.on('update', each(reconcile));
  configMaps.on('delete', (cm) => void reconcile(cm.metadata?.namespace ?? ''));
  const publishAll = async (): Promise<void> => {
    await Promise.all(namespaces.list().map((ns) => reconcile(ns.metadata?.name ?? '')));
  };
  const kept: KeptInformer[] = [];
  const synced = (async () => {
    kept.push(keepWatching(configMaps, `ConfigMaps ${ROOT_CERT_CONFIGMAP}`, log, 'namespacecontroller'));
    await kept[0]!.started;
    kept.push(keepWatching(namespaces, 'Namespaces', log, 'namespacecontroller'));
    await kept[1]!.started;
    await publishAll();
  })();
  return {
    synced,
    publishAll,
    async stop() {
      stopped = true;
      await Promise.allSettled(kept.map((k) => k.stop()));
    },
  };
}
