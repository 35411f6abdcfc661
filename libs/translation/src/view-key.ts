import type { Proxy } from './proxy.js';
import { withWorkloadLabels } from './workload-labels.js';
import type { PushContext } from './model/push-context.js';

/**
 * A key equal for proxies that get identical config under `push`, so their resources are generated
 * and encoded once. Everything generators read from a proxy is in it: type, generator, namespace,
 * DNS domain, istio-proxy or not, the metadata generators read, the workload labels (registry Pod
 * labels merged), the IP family, and the service ports the workload serves (which drive inbound
 * listeners and clusters and gateway port translation). The proxy's own IPs are not: replicas of one
 * workload share a key. The key changes when the registry changes, so re-key on every push.
 */
export function configViewKey(proxy: Proxy, push: PushContext): string {
  const enriched = withWorkloadLabels(proxy, push);
  const served = proxy.ips.flatMap((ip) => push.servedAt(ip));
  const v6 = proxy.ips.filter((ip) => ip.includes(':')).length;
  const family = v6 === 0 ? 'v4' : v6 === proxy.ips.length ? 'v6' : 'dual';
  const labels = Object.keys(enriched.labels).sort().map((k) => `${k}=${enriched.labels[k]}`).join(',');
  const meta = ['ISTIO_VERSION', 'INTERCEPTION_MODE', 'IDLE_TIMEOUT', 'HTTP10'].map((k) => String(proxy.metadata[k] ?? '')).join('|');
  return [proxy.type, proxy.generator, proxy.namespace, proxy.dnsDomain, proxy.istioProxy, labels, meta, family, [...new Set(served)].sort().join(',')].join('~');
}
