import { toJson } from '@bufbuild/protobuf';
import { clusterV3, endpointV3, envoyRegistry } from '@minipilot/envoy-api';
import { parseProxy, type Proxy } from '../proxy.js';
import { buildClusters } from '../generators/clusters.js';
import { buildEndpoints } from '../generators/endpoints.js';
import type { PushContext } from '../model/push-context.js';

/** Node ids of the bookinfo lab proxies. */
export const PRODUCTPAGE_ID = 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local';
export const INGRESS_ID = 'router~10.244.0.2~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local';

/** A proxy for `id`: stock Envoy by default, istio-proxy with `istio`, proxyless gRPC with `grpc`. */
export function proxyFor(id: string, kind: 'envoy' | 'istio' | 'grpc' = 'envoy', labels: Record<string, string> = {}): Proxy {
  const metadata = kind === 'istio' ? { ISTIO_VERSION: '1.28.0' } : kind === 'grpc' ? { GENERATOR: 'grpc' } : {};
  return parseProxy({ id, metadata, labels });
}

/** The clusters and endpoints a proxy gets, as proto3 JSON keyed by name, plus the warnings raised. */
export function cdsEds(proxy: Proxy, push: PushContext): { clusters: Map<string, any>; endpoints: Map<string, any>; names: string[]; warnings: string[] } {
  const warnings: string[] = [];
  const list = buildClusters(proxy, push, (source, message) => warnings.push(`${source}: ${message}`));
  const clusters = new Map(list.map((c) => [c.name, toJson(clusterV3.ClusterSchema, c, { registry: envoyRegistry }) as any]));
  const endpoints = new Map(buildEndpoints(proxy, push).map((e) => [e.clusterName, toJson(endpointV3.ClusterLoadAssignmentSchema, e, { registry: envoyRegistry }) as any]));
  return { clusters, endpoints, names: list.map((c) => c.name), warnings };
}

/** istiod's default circuit-breaker thresholds in JSON, with overrides. */
export function thresholds(o: Partial<Record<'maxConnections' | 'maxPendingRequests' | 'maxRequests' | 'maxRetries', number>> = {}): any {
  const max = 4294967295;
  return { thresholds: [{ maxConnections: max, maxPendingRequests: max, maxRequests: max, maxRetries: max, trackRemaining: true, ...o }] };
}

/** istiod's EDS config for a cluster named `name`. */
export function edsJson(name: string): any {
  return { serviceName: name, edsConfig: { ads: {}, initialFetchTimeout: '0s', resourceApiVersion: 'V3' } };
}
