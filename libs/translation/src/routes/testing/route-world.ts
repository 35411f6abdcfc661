import { toJson, type JsonValue } from '@bufbuild/protobuf';
import { loadYaml, createConfigSnapshot, type ConfigObject, type MeshConfig } from '@minipilot/config';
import { routeV3, listenerV3, envoyRegistry } from '@minipilot/envoy-api';
import { buildPushContext, type PushContext, type VirtualServiceModel } from '../../model/push-context.js';
import { parseProxy, type Proxy } from '../../proxy.js';

/** A push context built from YAML texts, for route table tests. */
export interface RouteWorld {
  readonly push: PushContext;
  /** The VirtualService `ns/name` (throws if absent, so a typo fails the test loudly). */
  vs(name: string, ns?: string): VirtualServiceModel;
}

/** Loads YAML documents (failing on any parse problem) into a push context. */
export function routeWorld(texts: readonly string[], mesh?: MeshConfig): RouteWorld {
  const objects: ConfigObject[] = [];
  for (const text of texts) {
    const r = loadYaml(text);
    const errors = r.problems.filter((p) => p.severity === 'error');
    if (errors.length > 0) throw new Error(`fixture YAML has errors: ${JSON.stringify(errors)}`);
    objects.push(...r.objects);
  }
  const push = buildPushContext(createConfigSnapshot(objects), mesh);
  return {
    push,
    vs(name, ns = 'default') {
      const found = push.virtualServices.find((v) => v.config.metadata.name === name && v.config.metadata.namespace === ns);
      if (!found) throw new Error(`no VirtualService ${ns}/${name} in the fixture`);
      return found;
    },
  };
}

/** A sidecar proxy in `ns` with `labels` (and, if given, extra node metadata). */
export function sidecarProxy(ns = 'default', labels: Record<string, string> = {}, metadata: Record<string, unknown> = {}): Proxy {
  return parseProxy({ id: `sidecar~10.244.0.10~client-0.${ns}~${ns}.svc.cluster.local`, metadata: { NAMESPACE: ns, ...metadata }, labels });
}

/** A proxyless gRPC client in `ns`. */
export function grpcProxy(ns = 'default'): Proxy {
  return sidecarProxy(ns, {}, { GENERATOR: 'grpc' });
}

/** The ingress gateway pod (`router`) in istio-system. */
export function gatewayProxy(): Proxy {
  return parseProxy({ id: 'router~10.244.0.5~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local', labels: { istio: 'ingressgateway' } });
}

/** Routes in Envoy's proto3 JSON form. */
export function routesJson(routes: readonly routeV3.Route[]): JsonValue[] {
  return routes.map((r) => toJson(routeV3.RouteSchema, r, { registry: envoyRegistry }));
}

/** Filter chains in Envoy's proto3 JSON form. */
export function chainsJson(chains: readonly listenerV3.FilterChain[]): JsonValue[] {
  return chains.map((c) => toJson(listenerV3.FilterChainSchema, c, { registry: envoyRegistry }));
}

/** `metadata` of a route or chain built from the VirtualService `ns/name` (networking.istio.io/v1). */
export function vsMetadata(name: string, ns = 'default'): JsonValue {
  return { filterMetadata: { istio: { config: `/apis/networking.istio.io/v1/namespaces/${ns}/virtual-service/${name}` } } };
}

/** istiod's default retry policy in proto3 JSON (with or without the previous-hosts predicate). */
export function defaultRetryJson(previousHosts = true): JsonValue {
  return {
    retryOn: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes',
    numRetries: 2,
    ...(previousHosts ? {
      retryHostPredicate: [{
        name: 'envoy.retry_host_predicates.previous_hosts',
        typedConfig: { '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate' },
      }],
    } : {}),
    hostSelectionRetryMaxAttempts: '5',
  };
}
