import type { listenerV3, routeV3, clusterV3, endpointV3, ndsV1 } from '@minipilot/envoy-api';
import { buildGrpcListeners, buildGrpcRoutes } from './generators/grpc.js';
import { buildSidecarScopeListeners, buildSidecarWorkloadListeners } from './generators/sidecar-listeners.js';
import { buildSidecarRoutes } from './generators/sidecar-routes.js';
import { buildGatewayListeners } from './generators/gateway-listeners.js';
import { buildGatewayRoutes } from './generators/gateway-routes.js';
import { withWorkloadLabels } from './workload-labels.js';
import { buildScopeClusters, buildWorkloadClusters } from './generators/clusters.js';
import { buildEndpoints } from './generators/endpoints.js';
import { buildNameTable } from './generators/name-table.js';
import { completeReferences } from './consistency.js';
import { nameTableKey, NO_MEMO, workloadResourcesKey, type ResourceMemo } from './cache-keys.js';
import type { EnvoyResources } from './resources.js';
import type { PushContext } from './model/push-context.js';
import type { Proxy } from './proxy.js';

type Warn = (message: string) => void;

/** Options of {@link generateResources} and {@link generatePart}. */
export interface GenerateOptions {
  /** Receives one sentence per part of the config that could not be translated (it was skipped). */
  readonly warn?: Warn;
  /**
   * Shares generated clusters, load assignments, virtual hosts and route configurations across
   * proxies and pushes (see {@link ResourceMemo}); warnings are reported only when a value is built.
   */
  readonly memo?: ResourceMemo;
}

/** One kind of Envoy resource, as a key of {@link EnvoyResources}. */
export type ResourceKind = keyof EnvoyResources;

/**
 * The two parts of a proxy's resources. `scope`: what every proxy with the same ProxyView and
 * selector signature gets (outbound clusters, endpoints, listeners and routes; for gateways and
 * proxyless clients, everything; for sidecars also istio-agent's name table). `workload`: a sidecar's own inbound resources (virtualInbound and
 * its inbound clusters), which depend on the service ports its workload serves.
 */
export type ResourcePart = 'scope' | 'workload';

type ResourceOf<K extends ResourceKind> = EnvoyResources[K][number];

/**
 * Generates one kind of one part of what `proxy` receives (its workload labels already merged,
 * see `withWorkloadLabels`). The union of both parts, scope first, is {@link generateResources}.
 */
export function generatePart<K extends ResourceKind>(part: ResourcePart, kind: K, proxy: Proxy, push: PushContext, options: GenerateOptions = {}): ResourceOf<K>[] {
  const warn = options.warn ?? (() => {});
  const memo = options.memo ?? NO_MEMO;
  const clusterWarn = (source: string, message: string): void => warn(`${source}: ${message}`);
  const flavour = proxy.generator === 'grpc' ? 'grpc' : proxy.type;
  if (part === 'workload') {
    if (flavour !== 'sidecar') return [];
    if (kind === 'clusters') return memo(workloadResourcesKey(kind, proxy, push), () => buildWorkloadClusters(proxy, push, clusterWarn)) as ResourceOf<K>[];
    if (kind === 'listeners') return memo(workloadResourcesKey(kind, proxy, push), () => buildSidecarWorkloadListeners(proxy, push)) as ResourceOf<K>[];
    return [];
  }
  const generated: readonly (listenerV3.Listener | routeV3.RouteConfiguration | clusterV3.Cluster | endpointV3.ClusterLoadAssignment | ndsV1.NameTable)[] = (() => {
    switch (kind) {
      // istiod's NDS: sidecars only (istio-agent asks for it); gateways and proxyless clients get none.
      case 'nameTables': return flavour === 'sidecar' ? [memo(nameTableKey(proxy, push), () => buildNameTable(proxy, push))] : [];
      case 'clusters': return buildScopeClusters(proxy, push, clusterWarn, memo);
      case 'endpoints': return buildEndpoints(proxy, push, memo);
      case 'listeners': return flavour === 'grpc' ? buildGrpcListeners(proxy, push) : flavour === 'sidecar' ? buildSidecarScopeListeners(proxy, push, warn, memo) : buildGatewayListeners(proxy, push, warn);
      default: return flavour === 'grpc' ? buildGrpcRoutes(proxy, push, warn) : flavour === 'sidecar' ? buildSidecarRoutes(proxy, push, warn, memo) : buildGatewayRoutes(proxy, push, warn);
    }
  })();
  return generated as ResourceOf<K>[];
}

const KINDS: readonly ResourceKind[] = ['clusters', 'endpoints', 'listeners', 'routes', 'nameTables'];

/**
 * Generates everything a proxy receives: a pure function of (proxy, push context). Proxyless gRPC
 * clients (metadata GENERATOR=grpc) get api_listeners; Envoy sidecars get istiod's outbound and
 * inbound listeners and istio-agent's DNS name table; gateways (`router`) get a listener per Gateway
 * server port. Clusters and endpoints are shared. The result is consistent (every referenced RDS/EDS name exists) and sorted.
 */
export function generateResources(nodeProxy: Proxy, push: PushContext, options: GenerateOptions = {}): EnvoyResources {
  const proxy = withWorkloadLabels(nodeProxy, push);
  const out = { listeners: [], routes: [], clusters: [], endpoints: [], nameTables: [] } as { [K in ResourceKind]: ResourceOf<K>[] };
  for (const kind of KINDS) {
    (out[kind] as unknown[]).push(...generatePart('scope', kind, proxy, push, options), ...generatePart('workload', kind, proxy, push, options));
  }
  return completeReferences(out);
}
