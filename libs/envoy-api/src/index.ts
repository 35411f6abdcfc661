/**
 * @minipilot/envoy-api: Envoy's xDS API as @bufbuild/protobuf schemas and types.
 *
 * Each Envoy proto package is a namespace (Envoy reuses message names such as `Filter` across
 * packages, so a flat export would clash): `listenerV3.ListenerSchema`, `routeV3.RouteSchema`, ...
 */
export { TypeUrl, PUSH_ORDER, typeShortName, isWildcardType, typeUrlOf } from './type-url.js';
export { envoyRegistry, messageSchemaFor } from './registry.js';

export * as coreV3 from './packages/core-v3.js';
export * as listenerV3 from './packages/listener-v3.js';
export * as routeV3 from './packages/route-v3.js';
export * as clusterV3 from './packages/cluster-v3.js';
export * as endpointV3 from './packages/endpoint-v3.js';
export * as hcmV3 from './packages/hcm-v3.js';
export * as tcpProxyV3 from './packages/tcp-proxy-v3.js';
export * as routerV3 from './packages/router-v3.js';
export * as faultV3 from './packages/fault-v3.js';
export * as commonFaultV3 from './packages/common-fault-v3.js';
export * as corsV3 from './packages/cors-v3.js';
export * as grpcStatsV3 from './packages/grpc-stats-v3.js';
export * as originalDstV3 from './packages/original-dst-v3.js';
export * as httpInspectorV3 from './packages/http-inspector-v3.js';
export * as tlsInspectorV3 from './packages/tls-inspector-v3.js';
export * as tlsV3 from './packages/tls-v3.js';
export * as rawBufferV3 from './packages/raw-buffer-v3.js';
export * as upstreamHttpV3 from './packages/upstream-http-v3.js';
export * as previousHostsV3 from './packages/previous-hosts-v3.js';
export * as previousPrioritiesV3 from './packages/previous-priorities-v3.js';
export * as uuidV3 from './packages/uuid-v3.js';
export * as caresV3 from './packages/cares-v3.js';
export * as discoveryV3 from './packages/discovery-v3.js';
export * as adminV3 from './packages/admin-v3.js';
export * as statusV3 from './packages/status-v3.js';
export * as typeV3 from './packages/type-v3.js';
export * as matcherV3 from './packages/matcher-v3.js';
export * as typeMetadataV3 from './packages/type-metadata-v3.js';
export * as udpaTypeV1 from './packages/udpa-type-v1.js';
export * as xdsTypeV3 from './packages/xds-type-v3.js';
export * as rpcStatus from './packages/rpc-status.js';
export * as validate from './packages/validate.js';
export * as ndsV1 from './packages/nds-v1.js';
