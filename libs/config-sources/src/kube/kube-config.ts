import { KubeConfig } from '@kubernetes/client-node';

/** Where the Kubernetes source finds its cluster: a loaded KubeConfig, a kubeconfig file, or the pod's service account. */
export type KubeConfigSpec = KubeConfig | string | 'in-cluster';

/**
 * Returns a KubeConfig for `spec`: the object itself, the kubeconfig file at a path (its current
 * context), or, for `'in-cluster'`, the service account token and CA mounted into every pod plus
 * KUBERNETES_SERVICE_HOST/PORT. Throws with the path when a file cannot be read or has no cluster.
 */
export function loadKubeConfig(spec: KubeConfigSpec): KubeConfig {
  if (spec instanceof KubeConfig) return spec;
  const kc = new KubeConfig();
  if (spec === 'in-cluster') {
    if (!process.env['KUBERNETES_SERVICE_HOST']) throw new Error('in-cluster Kubernetes config: KUBERNETES_SERVICE_HOST is not set (not running in a pod?)');
    kc.loadFromCluster();
    return kc;
  }
  try {
    kc.loadFromFile(spec);
  } catch (error) {
    throw new Error(`kubeconfig ${spec}: ${(error as Error).message}`);
  }
  if (!kc.getCurrentCluster()) throw new Error(`kubeconfig ${spec}: no current context with a cluster`);
  return kc;
}

/** A short description of the cluster a KubeConfig points at, for logs: `context (server)`. */
export function describeKubeConfig(kc: KubeConfig): string {
  return `${kc.getCurrentContext() || 'no context'} (${kc.getCurrentCluster()?.server ?? 'no server'})`;
}
