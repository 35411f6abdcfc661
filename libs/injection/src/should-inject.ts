import { selectorMatches, type InjectorConfig } from './injector-config.js';
import type { Pod } from './pod.js';

/** Namespaces istiod never injects into (pkg/kube/inject IgnoredNamespaces). */
export const IGNORED_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

/** The annotation istiod records what it injected in. */
export const SIDECAR_STATUS_ANNOTATION = 'sidecar.istio.io/status';

/** Whether to inject, and why (for logs and the webhook's response). */
export interface InjectDecision {
  readonly inject: boolean;
  readonly reason: string;
}

/**
 * istiod's injectRequired: never for hostNetwork pods, ignored namespaces or pods already injected;
 * else the pod's `sidecar.istio.io/inject` label (or legacy annotation) decides (y/yes/true/on
 * inject; any other non-empty value does not); without one, neverInjectSelector then
 * alwaysInjectSelector; else the policy (`enabled` injects, `disabled` does not). The namespace
 * selection (`istio-injection=enabled`, `istio.io/rev`) is done by the API server through the webhook
 * configuration's selectors before the request reaches us.
 */
export function shouldInject(pod: Pod, namespace: string, config: InjectorConfig): InjectDecision {
  if (pod.spec.hostNetwork) return { inject: false, reason: 'pod uses hostNetwork' };
  if (IGNORED_NAMESPACES.has(namespace)) return { inject: false, reason: `namespace ${namespace} is never injected` };
  const annotations = pod.metadata.annotations ?? {};
  const labels = pod.metadata.labels ?? {};
  if (annotations[SIDECAR_STATUS_ANNOTATION] || pod.spec.containers.some((c) => c.name === 'istio-proxy')) return { inject: false, reason: 'pod is already injected' };
  const selector = labels['sidecar.istio.io/inject'] ?? annotations['sidecar.istio.io/inject'] ?? '';
  let useDefault = selector === '';
  let inject = ['y', 'yes', 'true', 'on'].includes(selector.toLowerCase());
  let why = useDefault ? '' : `sidecar.istio.io/inject=${selector}`;
  if (useDefault && config.neverInjectSelector.some((s) => selectorMatches(s, labels))) {
    inject = false;
    useDefault = false;
    why = 'neverInjectSelector matches';
  }
  if (useDefault && config.alwaysInjectSelector.some((s) => selectorMatches(s, labels))) {
    inject = true;
    useDefault = false;
    why = 'alwaysInjectSelector matches';
  }
  if (useDefault) return { inject: config.policy === 'enabled', reason: `policy ${config.policy}` };
  return { inject, reason: why };
}
