import type { PushContext } from './model/push-context.js';
import { proxyTopology, type Proxy } from './proxy.js';

/**
 * The proxy with its workload's labels from the registry merged in, as istiod does (a Pod named
 * like the node id's pod, or holding the proxy's IP; registry labels win over metadata LABELS).
 * Lets lab users connect Envoy or a gRPC client without repeating the pod's labels in metadata.
 * The proxy's locality is then taken again from the merged labels (istiod's setTopologyLabels).
 */
export function withWorkloadLabels(proxy: Proxy, push: PushContext): Proxy {
  const pod = push.config.get('Pod', proxy.namespace, proxy.podName)
    ?? proxy.ips.map((ip) => push.podByIp(proxy.namespace, ip)).find((p) => p !== undefined);
  if (!pod || Object.keys(pod.metadata.labels).length === 0) return proxy;
  return Object.freeze({ ...proxy, ...proxyTopology({ ...proxy.labels, ...pod.metadata.labels }, proxy.nodeLocality) });
}
