import type { PushContext } from './model/push-context.js';
import { podLocality, withTopologyLabels } from './model/locality.js';
import { proxyTopology, type Proxy } from './proxy.js';

/**
 * The proxy with its workload's labels from the registry merged in, as istiod does (a Pod named
 * like the node id's pod, or holding the proxy's IP; registry labels win over metadata LABELS).
 * Lets lab users connect Envoy or a gRPC client without repeating the pod's labels in metadata.
 * The proxy's locality is then taken again (istiod's setTopologyLabels): the Pod's locality as
 * the registry gives it (locality label, else its Node's topology labels), else the merged
 * labels, else the Envoy node's locality.
 */
export function withWorkloadLabels(proxy: Proxy, push: PushContext): Proxy {
  const pod = push.config.get('Pod', proxy.namespace, proxy.podName)
    ?? proxy.ips.map((ip) => push.podByIp(proxy.namespace, ip)).find((p) => p !== undefined);
  if (!pod) return proxy;
  const labels = { ...proxy.labels, ...pod.metadata.labels };
  const registry = podLocality(pod, push.config);
  const topology = registry.region || registry.zone || registry.subZone
    ? { labels: withTopologyLabels(labels, registry), locality: registry }
    : proxyTopology(labels, proxy.nodeLocality);
  return Object.freeze({ ...proxy, ...topology });
}
