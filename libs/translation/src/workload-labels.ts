import type { PushContext } from './model/push-context.js';
import type { Proxy } from './proxy.js';

/**
 * The proxy with its workload's labels from the registry merged in, as istiod does (a Pod named
 * like the node id's pod, or holding the proxy's IP; registry labels win over metadata LABELS).
 * Lets lab users connect Envoy or a gRPC client without repeating the pod's labels in metadata.
 */
export function withWorkloadLabels(proxy: Proxy, push: PushContext): Proxy {
  const pods = push.config.ofKind('Pod');
  const pod = pods.find((p) => p.metadata.namespace === proxy.namespace && p.metadata.name === proxy.podName)
    ?? pods.find((p) => p.metadata.namespace === proxy.namespace && p.body.status?.podIP !== undefined && proxy.ips.includes(p.body.status.podIP));
  if (!pod || Object.keys(pod.metadata.labels).length === 0) return proxy;
  return Object.freeze({ ...proxy, labels: { ...proxy.labels, ...pod.metadata.labels } });
}
