import type { Proxy } from './proxy.js';
import { withWorkloadLabels } from './workload-labels.js';
import type { PushContext } from './model/push-context.js';
import { localityScopeKey } from './generators/locality-scope.js';

/** The sharing keys of one proxy under one push (see {@link proxyKeys}). */
export interface ProxyKeys {
  /** The proxy with its workload's registry labels merged: the input to generation. */
  readonly proxy: Proxy;
  /** Equal for proxies that get identical `scope` resources (see `ResourcePart`). */
  readonly scope: string;
  /** Equal for proxies that get identical `workload` resources; '' when the proxy has none (gateways, gRPC). */
  readonly workload: string;
}

/**
 * The keys under which the push pipeline shares a proxy's generated resources, built from exactly
 * what the generators of each part read:
 * - scope: the ProxyView (type, generator, namespace, DNS domain, istio-proxy or not, IP family,
 *   IDLE_TIMEOUT) and the selector signature of its labels, not the labels themselves, so distinct
 *   workloads that no selector tells apart share every outbound resource; the proxy's locality
 *   only when some DestinationRule makes endpoints depend on it (`localityScopeKey`); gateways also add the
 *   service ports they serve (their listeners follow the gateway Service's ports);
 * - workload (sidecars): the service ports the workload serves, the same view fields and signature
 *   (inbound clusters read the DestinationRule seen from the workload).
 * Keys depend on the registry, so re-key on every push.
 */
export function proxyKeys(nodeProxy: Proxy, push: PushContext): ProxyKeys {
  const proxy = withWorkloadLabels(nodeProxy, push);
  const view = [proxy.type, proxy.generator, proxy.namespace, proxy.dnsDomain, proxy.istioProxy ? 'istio' : 'envoy', proxy.ipFamily, proxy.idleTimeout ?? '', push.selectorSignature(proxy.labels), localityScopeKey(proxy, push)].join('~');
  const served = () => [...new Set(proxy.ips.flatMap((ip) => push.servedAt(ip)))].sort().join(',');
  if (proxy.generator === 'grpc') return { proxy, scope: view, workload: '' };
  if (proxy.type === 'router') return { proxy, scope: `${view}~${served()}`, workload: '' };
  return { proxy, scope: view, workload: `${view}~${served()}` };
}

/**
 * A key equal for proxies that get identical config under `push` (replicas of one workload, and
 * distinct workloads that no selector tells apart and that serve the same ports): the scope and
 * workload keys of {@link proxyKeys} together.
 */
export function configViewKey(proxy: Proxy, push: PushContext): string {
  const keys = proxyKeys(proxy, push);
  return `${keys.scope}#${keys.workload}`;
}
