/**
 * @minipilot/config: the typed Istio and Kubernetes config model minipilot reads, the YAML loader
 * shared by the server and the CLI, and MeshConfig. Pure: no filesystem or network access.
 */
// Objects and identity
export { ISTIO_KINDS, KUBE_KINDS, KIND_INFO, configKey, isKnownKind } from './kinds.js';
export type {
  Kind, IstioKind, KubeKind, ConfigObject, ConfigOf, VirtualServiceConfig, DestinationRuleConfig, GatewayConfig,
  ServiceEntryConfig, PeerAuthenticationConfig, ServiceConfig, EndpointSliceConfig, EndpointsConfig, PodConfig, NamespaceConfig, NodeConfig,
} from './kinds.js';
export type { ObjectMeta, ConfigOrigin } from './meta.js';

// Reading config
export { loadYaml, loadYamlSteps, DEFAULT_LOAD_LIMITS } from './load-yaml.js';
export type { LoadResult, LoadLimits } from './load-yaml.js';
export { parseConfigObject } from './parse-object.js';
export type { ParseResult } from './parse-object.js';
export { formatProblem, formatProblemAs, formatFieldPath, formatOrigin, analyzeLevel, ANALYZE_MESSAGES } from './problem.js';
export type { ConfigProblem, Severity, AnalyzeLevel } from './problem.js';
export { createConfigSnapshot } from './config-snapshot.js';

// Validation: Istio's per-object rules, cross-resource analysis, and withholding what is invalid
export { validateConfigObject } from './validation/validate-object.js';
export { analyzeConfig } from './validation/analyze-config.js';
export { withholdInvalid } from './validation/withhold.js';
export type { AnalyzeOptions } from './validation/analyze-config.js';
export type { ConfigSnapshot } from './config-snapshot.js';

// Mesh-wide settings
export { parseMeshConfig, withMeshDefaults, DEFAULT_MESH_CONFIG } from './mesh-config.js';
export type { MeshConfig, MeshConfigResult, MeshTlsDefaults } from './mesh-config.js';

// Values
export { parseDuration, durationToMillis, isDuration } from './duration.js';
export type { ParsedDuration } from './duration.js';

// Istio API types (networking.istio.io v1 specs)
export type {
  VirtualService, HTTPRoute, HTTPMatchRequest, HTTPRouteDestination, HTTPRedirect, HTTPDirectResponse, HTTPRewrite,
  HTTPRetry, HTTPFaultInjection, HTTPMirrorPolicy, CorsPolicy, TCPRoute, TLSRoute, RouteDestination, L4MatchAttributes,
  TLSMatchAttributes,
} from './istio/virtual-service.js';
export type {
  DestinationRule, TrafficPolicy, PortTrafficPolicy, Subset, LoadBalancerSettings, ConsistentHashLB, ConnectionPoolSettings,
  OutlierDetection, ClientTLSSettings, LocalityLoadBalancerSetting, TcpKeepalive,
} from './istio/destination-rule.js';
export type { Gateway, Server, ServerTLSSettings } from './istio/gateway.js';
export type { ServiceEntry, WorkloadEntry } from './istio/service-entry.js';
export type { PeerAuthentication, PeerAuthenticationMutualTls, MutualTlsMode } from './istio/peer-authentication.js';
export type { StringMatch, Destination, PortSelector, Percent, Port, Headers, HeaderOperations, WorkloadSelector } from './istio/common.js';
export type { ServicePort, ServiceSpec, SliceEndpoint, EndpointSliceBody, EndpointsBody, PodBody } from './kube/kube-kinds.js';
