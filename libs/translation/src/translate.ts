import { createConfigSnapshot, DEFAULT_MESH_CONFIG, type ConfigObject, type MeshConfig } from '@minipilot/config';
import { buildPushContext } from './model/push-context.js';
import { parseProxy, type Proxy, type ProxyNodeInput } from './proxy.js';
import { generateResources } from './generate.js';
import type { EnvoyResources } from './resources.js';
import { simulateRequest } from './simulate/simulate-request.js';
import type { SimulationRequest } from './simulate/request.js';
import type { SimulationResult } from './simulate/result.js';

/** Options for {@link translate} and {@link simulate}. */
export interface TranslateOptions {
  /** Mesh-wide settings (istiod's `mesh` ConfigMap, e.g. from `parseMeshConfig`); istiod's defaults when absent. */
  readonly mesh?: MeshConfig;
}

function isProxy(p: ProxyNodeInput | Proxy): p is Proxy {
  return 'type' in p && 'dnsDomain' in p;
}

/**
 * Returns the Envoy resources `proxy` would receive for `configs`, with no server and no cluster:
 * the discovery server's pipeline (config snapshot → push context → generators). `proxy` is a
 * parsed {@link Proxy} or a node (`{ id: 'sidecar~10.0.0.1~app-1.default~default.svc.cluster.local' }`,
 * optional metadata and labels). Throws ProxyIdError for a node id minipilot cannot serve.
 */
export function translate(configs: readonly ConfigObject[], proxy: ProxyNodeInput | Proxy, options: TranslateOptions = {}): EnvoyResources {
  const push = buildPushContext(createConfigSnapshot(configs), options.mesh ?? DEFAULT_MESH_CONFIG);
  return generateResources(isProxy(proxy) ? proxy : parseProxy(proxy), push);
}

/**
 * Returns where one request from `proxy` goes under `configs`: {@link translate}, then
 * {@link simulateRequest} on the result. For jest tests of Istio config:
 * `expect(simulate(objs, node, { host: 'reviews', port: 9080 }).cluster).toBe('outbound|9080|v1|reviews.default.svc.cluster.local')`.
 */
export function simulate(configs: readonly ConfigObject[], proxy: ProxyNodeInput | Proxy, request: SimulationRequest, options: TranslateOptions = {}): SimulationResult {
  return simulateRequest(translate(configs, proxy, options), request);
}
