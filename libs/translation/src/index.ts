/**
 * @minipilot/translation: Istio config to Envoy resources. Pure functions over an immutable push
 * context; no IO.
 */
// Proxies
export { parseProxy, ProxyIdError } from './proxy.js';
export { configViewKey, proxyKeys } from './view-key.js';
export type { ProxyKeys } from './view-key.js';
export type { Proxy, ProxyType, ProxyNodeInput, ProxyView, IpFamily } from './proxy.js';

// The world
export { buildPushContext, istioOrder, revisionOf } from './model/push-context.js';
export type { PushContext, VirtualServiceModel, EffectiveDestinationRule } from './model/push-context.js';
export type { ServiceModel, ServicePortModel, EndpointModel, Locality, Resolution } from './model/service.js';
export { resolveHost, hostMatches } from './model/host.js';
export { kubePortProtocol, parseProtocol } from './model/protocol.js';
export type { Protocol } from './model/protocol.js';

// Generation
export { generateResources, generatePart } from './generate.js';
export type { GenerateOptions, ResourceKind, ResourcePart } from './generate.js';
export { NO_MEMO, outboundClusterKey, loadAssignmentKey, virtualHostKey, routeConfigurationKey, clusterViewKey, nameTableKey } from './cache-keys.js';
export type { ResourceMemo } from './cache-keys.js';
export type { EnvoyResources } from './resources.js';
export { resourcesToJson } from './to-json.js';
export type { EnvoyResourcesJson } from './to-json.js';
export { checkConsistent, completeReferences, rdsNamesOf, edsNameOf } from './consistency.js';
export { clusterName, parseClusterName, BLACKHOLE_CLUSTER, PASSTHROUGH_CLUSTER } from './names.js';

// Translate and simulate (the CLI's `translate` / `simulate`, for users' own tests)
export { translate, translateWithReport, simulate } from './translate.js';
export type { TranslateOptions, TranslateReport } from './translate.js';
export { simulateRequest } from './simulate/simulate-request.js';
export { parseSimulationRequest, normalizeSimulationRequest, DEFAULT_SIMULATION_ADDRESS } from './simulate/request.js';
export type { SimulationRequest, SimulationProtocol, SimulationTls, NormalizedRequest, ParsedSimulationRequest } from './simulate/request.js';
export { SIMULATION_ERRORS } from './simulate/result.js';
export type { SimulationResult, SimulationError, WeightedClusterResult } from './simulate/result.js';
export { configRefOf, describeRouteMatch } from './describe/describe-config.js';
export type { ConfigRef } from './describe/describe-config.js';
export { proxyConfigTable, formatTable } from './describe/proxy-config-table.js';
export type { ProxyConfigKind } from './describe/proxy-config-table.js';

// Envoy acceptance: PGV rules from the descriptors, known types, references, Envoy's own checks
export { checkEnvoyResources, formatViolation } from './acceptance/check.js';
export { validateEnvoyMessage } from './acceptance/pgv-walk.js';
export { withholdResources } from './acceptance/withhold.js';
export { ENVOY_SEMANTIC_CHECKS } from './acceptance/envoy-semantics.js';
export type { EnvoySemanticCheck } from './acceptance/envoy-semantics.js';
export type { AcceptanceResult, AcceptanceViolation, AcceptanceOptions, WithheldResource, FieldProblem } from './acceptance/types.js';

// VirtualService routes: HTTP routes for a virtual host, TCP/TLS filter chains, istiod's defaults
export { buildHttpRoutes, routeOperation, FAULT_FILTER, CORS_FILTER } from './routes/http-route.js';
export type { HttpRouteTarget } from './routes/http-route.js';
export { defaultRoute } from './routes/default-route.js';
export { defaultRetryPolicy } from './routes/retry-policy.js';
export type { DefaultRouteOptions } from './routes/default-route.js';
export { translateRouteMatch, isCatchAllRoute, sortVirtualHostRoutes } from './routes/route-match.js';
export { destinationCluster } from './routes/route-destination.js';
export { hashPolicyForService, hashPolicyForDestination, consistentHashToHashPolicy } from './routes/hash-policy.js';
export { buildTcpFilterChains } from './routes/tcp-route.js';
export { buildTlsFilterChains } from './routes/tls-route.js';
export type { L4RouteTarget } from './routes/l4-route.js';
export { tcpProxyFilter } from './builders/tcp-proxy.js';
export type { WeightedTcpCluster } from './builders/tcp-proxy.js';

// Clusters (CDS) and endpoints (EDS) with istiod's names, types and DestinationRule policy
export { buildClusters, outboundClusterRefs, visibleServices, effectivePolicy, portLevelPolicy } from './generators/clusters.js';
export type { ClusterWarn, OutboundClusterRef, OutboundDiscovery } from './generators/clusters.js';
export { buildEndpoints } from './generators/endpoints.js';
export { buildNameTable } from './generators/name-table.js';
export { dnsSrvSubsetKey, SYSTEM_CA_BUNDLE } from './generators/cluster-tls.js';

// The registry of generated xDS types (type URL, kind, schema, name, JSON, what config they depend on)
export { XDS_TYPES, xdsType, encodeXdsResource, xdsResourceToJson } from './xds-types.js';
export type { XdsTypeDescriptor } from './xds-types.js';
