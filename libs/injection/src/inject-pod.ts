import type { InjectorConfig } from './injector-config.js';
import { iptablesArgs, TRAFFIC_ANNOTATIONS } from './iptables-args.js';
import { clonePod, type Pod } from './pod.js';
import { REWRITE_PROBES_ANNOTATION, rewriteAppProbes } from './probe-rewrite.js';
import { podProxyConfig } from './proxy-config.js';
import { shouldInject, SIDECAR_STATUS_ANNOTATION } from './should-inject.js';
import { initContainer, INJECTED_VOLUMES, proxyContainer, sidecarVolumes } from './sidecar-template.js';
import { workloadMeta } from './workload-meta.js';

/** What injection depends on besides the pod: the injector config and the mesh. */
export interface InjectionContext {
  readonly config: InjectorConfig;
  /** MeshConfig.defaultConfig (ProxyConfig fields). */
  readonly meshDefaultConfig: Readonly<Record<string, unknown>>;
  readonly trustDomain: string;
  readonly proxyListenPort: number;
  /** Where injected proxies find minipilot (PROXY_CONFIG.discoveryAddress unless the mesh sets one). */
  readonly discoveryAddress: string;
}

/** The outcome of {@link injectPod}. */
export type InjectResult =
  | { readonly injected: true; readonly pod: Pod; readonly reason: string }
  | { readonly injected: false; readonly reason: string }
  | { readonly injected: false; readonly reason: string; readonly errors: readonly string[] };

/**
 * Injects istio-init and istio-proxy as istiod's `sidecar` template and post-processing do: the
 * init container first, the proxy last (first with holdApplicationUntilProxyStarts), app probes
 * rewritten to the agent, istiod's labels and annotations, and `sidecar.istio.io/status`. Returns
 * `errors` when the pod's annotations are invalid (the webhook then denies the pod, as istiod does).
 */
export function injectPod(input: Pod, namespace: string, ctx: InjectionContext): InjectResult {
  const decision = shouldInject(input, namespace, ctx.config);
  if (!decision.inject) return { injected: false, reason: decision.reason };
  const v = ctx.config.values;
  const pod = clonePod(input);
  const annotations = pod.metadata.annotations ?? {};
  const labels = pod.metadata.labels ?? {};
  const proxy = podProxyConfig(ctx.discoveryAddress, ctx.meshDefaultConfig, annotations);
  const interceptionMode = annotations[TRAFFIC_ANNOTATIONS.interceptionMode] ?? String(proxy.config['interceptionMode'] ?? 'REDIRECT');
  const agentLogLevel = annotations['sidecar.istio.io/agentLogLevel'] ?? v.loggingLevel;
  const iptables = interceptionMode === 'NONE' ? { ok: true as const, args: [] } : iptablesArgs(annotations, v, interceptionMode, ctx.proxyListenPort, agentLogLevel);
  const errors = [...(proxy.error ? [proxy.error] : []), ...(iptables.ok ? [] : iptables.errors)];
  if (errors.length > 0) return { injected: false, reason: 'invalid annotations', errors };
  const rewrite = v.rewriteAppHTTPProbe && annotations[REWRITE_PROBES_ANNOTATION] !== 'false';
  const statusPort = Number(annotations[TRAFFIC_ANNOTATIONS.statusPort] ?? v.statusPort);
  const appProbers = rewrite && statusPort !== 0 ? rewriteAppProbes(pod.spec.containers, statusPort) : {};
  const holdApplication = v.holdApplicationUntilProxyStarts || proxy.config['holdApplicationUntilProxyStarts'] === true;
  const input0 = { pod: input, values: v, workload: workloadMeta(input, namespace), proxyConfig: proxy.config, interceptionMode, iptablesArgs: iptables.ok ? iptables.args : [], trustDomain: ctx.trustDomain, appProbers, holdApplication };
  const sidecar = proxyContainer(input0);
  const firstApp = pod.spec.containers[0]?.name;
  const initNames = interceptionMode === 'NONE' ? [] : ['istio-init'];

  if (initNames.length > 0) pod.spec.initContainers = [initContainer(input0), ...(pod.spec.initContainers ?? [])];
  pod.spec.containers = holdApplication ? [sidecar, ...pod.spec.containers] : [...pod.spec.containers, sidecar];
  pod.spec.volumes = [...(pod.spec.volumes ?? []), ...sidecarVolumes(input0)];
  pod.metadata.labels = {
    ...labels,
    'security.istio.io/tlsMode': labels['security.istio.io/tlsMode'] ?? 'istio',
    'service.istio.io/canonical-name': labels['service.istio.io/canonical-name'] ?? labels['app.kubernetes.io/name'] ?? labels['app'] ?? input0.workload.name,
    'service.istio.io/canonical-revision': labels['service.istio.io/canonical-revision'] ?? labels['app.kubernetes.io/version'] ?? labels['version'] ?? 'latest',
  };
  const status = { initContainers: initNames, containers: ['istio-proxy'], volumes: [...INJECTED_VOLUMES], imagePullSecrets: null, revision: v.revision || 'default' };
  const prometheus = annotations['prometheus.io/scrape'] === 'false' ? {} : { 'prometheus.io/port': '15020', 'prometheus.io/path': '/stats/prometheus', 'prometheus.io/scrape': 'true' };
  pod.metadata.annotations = {
    ...annotations,
    ...(firstApp && !annotations['kubectl.kubernetes.io/default-logs-container'] ? { 'kubectl.kubernetes.io/default-logs-container': firstApp } : {}),
    ...(firstApp && !annotations['kubectl.kubernetes.io/default-container'] ? { 'kubectl.kubernetes.io/default-container': firstApp } : {}),
    ...prometheus,
    ...ctx.config.injectedAnnotations,
    'istio.io/rev': v.revision || 'default',
    [SIDECAR_STATUS_ANNOTATION]: JSON.stringify(status),
  };
  return { injected: true, pod, reason: decision.reason };
}
