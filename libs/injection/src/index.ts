/**
 * @minipilot/injection: istiod's sidecar injection as pure logic (AdmissionReview in, JSON Patch
 * out), the istio-sidecar-injector config and values, and AdmissionReview helpers the webhooks share.
 */
export type { Pod, Container, Probe, ObjectMeta, PodSpec, ContainerPort } from './pod.js';
export type { InjectionValues } from './values.js';
export { DEFAULT_VALUES, valuesFromJson } from './values.js';
export type { InjectorConfig, InjectorConfigResult, LabelSelector } from './injector-config.js';
export { DEFAULT_INJECTOR_CONFIG, parseInjectorConfigMap, selectorMatches } from './injector-config.js';
export type { InjectDecision } from './should-inject.js';
export { shouldInject, IGNORED_NAMESPACES, SIDECAR_STATUS_ANNOTATION } from './should-inject.js';
export type { IptablesArgsResult } from './iptables-args.js';
export { iptablesArgs, TRAFFIC_ANNOTATIONS } from './iptables-args.js';
export { rewriteAppProbes, REWRITE_PROBES_ANNOTATION } from './probe-rewrite.js';
export { podProxyConfig, defaultProxyConfig, PROXY_CONFIG_ANNOTATION } from './proxy-config.js';
export type { WorkloadMeta } from './workload-meta.js';
export { workloadMeta } from './workload-meta.js';
export { INJECTED_VOLUMES } from './sidecar-template.js';
export type { InjectionContext, InjectResult } from './inject-pod.js';
export { injectPod } from './inject-pod.js';
export type { AdmissionRequest, AdmissionReviewResponse } from './admission-review.js';
export { readAdmissionRequest, admissionResponse } from './admission-review.js';
export { injectPathOverrides } from './inject-path.js';
export type { InjectReviewResult } from './inject-review.js';
export { reviewInjection } from './inject-review.js';
