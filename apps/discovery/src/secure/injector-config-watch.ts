import { CoreV1Api, makeInformer, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { keepWatching } from '@minipilot/ca';
import { DEFAULT_INJECTOR_CONFIG, parseInjectorConfigMap, type InjectorConfig } from '@minipilot/injection';
import type { AppLogger } from '../logger.js';

/** istiod's injection ConfigMap (`istio-sidecar-injector[-<rev>]`). */
export const INJECTOR_CONFIGMAP = 'istio-sidecar-injector';

/** The injection config in force, kept current by a watch. */
export interface InjectorConfigWatch {
  current(): InjectorConfig;
  readonly synced: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Watches ConfigMap `istio-sidecar-injector` in istiod's namespace, as istiod's webhook does: every
 * change applies to the next pod without a restart; when it is absent (or deleted) the built-in
 * default applies. Problems in it are logged with the key and field.
 */
export function watchInjectorConfig(kubeConfig: KubeConfig, namespace: string, logger: AppLogger): InjectorConfigWatch {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const log = logger.child({ scope: 'inject' });
  const informer = makeInformer<V1ConfigMap>(kubeConfig, `/api/v1/namespaces/${namespace}/configmaps`, () => core.listNamespacedConfigMap({ namespace }));
  let config = DEFAULT_INJECTOR_CONFIG;
  const apply = (cm: V1ConfigMap): void => {
    if (cm.metadata?.name !== INJECTOR_CONFIGMAP) return;
    const r = parseInjectorConfigMap(cm.data ?? {}, `ConfigMap ${namespace}/${INJECTOR_CONFIGMAP}`);
    for (const p of r.problems) log.warn({}, p);
    config = r.config;
    log.info({ policy: config.policy, resourceVersion: cm.metadata?.resourceVersion }, 'injection config updated');
  };
  informer.on('add', apply);
  informer.on('update', apply);
  informer.on('delete', (cm) => {
    if (cm.metadata?.name !== INJECTOR_CONFIGMAP) return;
    config = DEFAULT_INJECTOR_CONFIG;
    log.warn({}, `ConfigMap ${namespace}/${INJECTOR_CONFIGMAP} deleted: using the built-in injection config`);
  });
  const kept = keepWatching(informer, `ConfigMaps in ${namespace}`, log, 'inject');
  return { current: () => config, synced: kept.started, stop: () => kept.stop() };
}
