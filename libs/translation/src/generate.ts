import type { listenerV3, routeV3 } from '@minipilot/envoy-api';
import { buildGrpcListeners, buildGrpcRoutes } from './generators/grpc.js';
import { buildSidecarListeners } from './generators/sidecar-listeners.js';
import { buildSidecarRoutes } from './generators/sidecar-routes.js';
import { buildGatewayListeners } from './generators/gateway-listeners.js';
import { buildGatewayRoutes } from './generators/gateway-routes.js';
import { withWorkloadLabels } from './workload-labels.js';
import { buildClusters } from './generators/clusters.js';
import { buildEndpoints } from './generators/endpoints.js';
import { completeReferences } from './consistency.js';
import type { EnvoyResources } from './resources.js';
import type { PushContext } from './model/push-context.js';
import type { Proxy } from './proxy.js';

type Warn = (message: string) => void;
type ListenerGenerator = (proxy: Proxy, push: PushContext, warn: Warn) => listenerV3.Listener[];
type RouteGenerator = (proxy: Proxy, push: PushContext, warn: Warn) => routeV3.RouteConfiguration[];

/** Options of {@link generateResources}. */
export interface GenerateOptions {
  /** Receives one sentence per part of the config that could not be translated (it was skipped). */
  readonly warn?: Warn;
}

/** Which listener and route generators serve which kind of proxy (an explicit table, no registration). */
const HTTP_GENERATORS: Readonly<Record<'grpc' | 'sidecar' | 'router', { listeners: ListenerGenerator; routes: RouteGenerator }>> = {
  grpc: { listeners: buildGrpcListeners, routes: buildGrpcRoutes },
  sidecar: { listeners: buildSidecarListeners, routes: buildSidecarRoutes },
  router: { listeners: buildGatewayListeners, routes: buildGatewayRoutes },
};

/**
 * Generates everything a proxy receives: a pure function of (proxy, push context). Proxyless gRPC
 * clients (metadata GENERATOR=grpc) get api_listeners; Envoy sidecars get istiod's outbound and
 * inbound listeners; gateways (`router`) get a listener per Gateway server port. Clusters and
 * endpoints are shared. The result is consistent (every referenced RDS/EDS name exists) and sorted.
 */
export function generateResources(nodeProxy: Proxy, push: PushContext, options: GenerateOptions = {}): EnvoyResources {
  const warn = options.warn ?? (() => {});
  const proxy = withWorkloadLabels(nodeProxy, push);
  const http = HTTP_GENERATORS[proxy.generator === 'grpc' ? 'grpc' : proxy.type];
  const clusters = buildClusters(proxy, push, (source, message) => warn(`${source}: ${message}`));
  const endpoints = buildEndpoints(proxy, push);
  const listeners = http.listeners(proxy, push, warn);
  const routes = http.routes(proxy, push, warn);
  return completeReferences({ listeners, routes, clusters, endpoints });
}
