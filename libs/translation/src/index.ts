/**
 * @minipilot/translation: Istio config to Envoy resources. Pure functions over an immutable push
 * context; no IO.
 */
// Proxies
export { parseProxy, proxyViewKey, ProxyIdError } from './proxy.js';
export type { Proxy, ProxyType, ProxyNodeInput } from './proxy.js';

// The world
export { buildPushContext, istioOrder } from './model/push-context.js';
export type { PushContext, VirtualServiceModel, EffectiveDestinationRule } from './model/push-context.js';
export type { ServiceModel, ServicePortModel, EndpointModel, Locality, Resolution } from './model/service.js';
export { resolveHost, hostMatches } from './model/host.js';
export { kubePortProtocol, parseProtocol } from './model/protocol.js';
export type { Protocol } from './model/protocol.js';

// Generation
export { generateResources } from './generate.js';
export type { EnvoyResources } from './resources.js';
export { resourcesToJson } from './to-json.js';
export type { EnvoyResourcesJson } from './to-json.js';
export { checkConsistent, completeReferences, rdsNamesOf, edsNameOf } from './consistency.js';
export { clusterName, parseClusterName, BLACKHOLE_CLUSTER, PASSTHROUGH_CLUSTER } from './names.js';
