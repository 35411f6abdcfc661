import { buildGrpcListeners, buildGrpcRoutes } from './generators/grpc.js';
import { buildOutboundClusters, outboundClusterRefs } from './generators/clusters.js';
import { buildEndpoints } from './generators/endpoints.js';
import { completeReferences } from './consistency.js';
import type { EnvoyResources } from './resources.js';
import type { PushContext } from './model/push-context.js';
import type { Proxy } from './proxy.js';

/**
 * Generates everything a proxy receives: a pure function of (proxy, push context). The generator
 * table is explicit: proxyless gRPC clients (GENERATOR=grpc) get api_listeners; Envoy sidecars and
 * gateways share the outbound clusters and endpoints. The result is consistent (every referenced
 * RDS/EDS name exists) and sorted by name.
 */
export function generateResources(proxy: Proxy, push: PushContext): EnvoyResources {
  const refs = outboundClusterRefs(proxy, push);
  const clusters = buildOutboundClusters(proxy, push, refs);
  const endpoints = buildEndpoints(push, refs);
  const listeners = buildGrpcListeners(proxy, push);
  const routes = buildGrpcRoutes(proxy, push);
  return completeReferences({ listeners, routes, clusters, endpoints });
}
