import { analyzeConfig, createConfigSnapshot, DEFAULT_MESH_CONFIG, withholdInvalid, type ConfigObject, type ConfigProblem, type MeshConfig } from '@minipilot/config';
import { buildPushContext } from './model/push-context.js';
import { parseProxy, type Proxy, type ProxyNodeInput } from './proxy.js';
import { generateResources } from './generate.js';
import { checkEnvoyResources } from './acceptance/check.js';
import type { AcceptanceViolation } from './acceptance/types.js';
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

/** What {@link translateWithReport} produced and what it left out. */
export interface TranslateReport {
  /** The resources the proxy would receive. */
  readonly resources: EnvoyResources;
  /** Cross-resource config problems (`analyzeConfig`); objects with an error were withheld before translation. */
  readonly configProblems: readonly ConfigProblem[];
  /** Generated resources Envoy would reject; they were withheld (replaced by empty stand-ins where referenced). */
  readonly violations: readonly AcceptanceViolation[];
}

/**
 * Returns the Envoy resources `proxy` would receive for `configs`, with no server and no cluster,
 * through the discovery server's pipeline: cross-resource checks withhold conflicting objects, then
 * config snapshot → push context → generators → the Envoy acceptance check (what Envoy would reject
 * is withheld, as before a push). Also returns what was reported on the way. `proxy` is a parsed
 * {@link Proxy} or a node (`{ id: 'sidecar~10.0.0.1~app-1.default~default.svc.cluster.local' }`,
 * optional metadata and labels). Throws ProxyIdError for a node id minipilot cannot serve.
 */
export function translateWithReport(configs: readonly ConfigObject[], proxy: ProxyNodeInput | Proxy, options: TranslateOptions = {}): TranslateReport {
  const snapshot = createConfigSnapshot(configs);
  const configProblems = analyzeConfig(snapshot);
  const push = buildPushContext(withholdInvalid(snapshot, configProblems), options.mesh ?? DEFAULT_MESH_CONFIG);
  const p = isProxy(proxy) ? proxy : parseProxy(proxy);
  const checked = checkEnvoyResources(generateResources(p, push), { istioProxy: p.istioProxy });
  return { resources: checked.accepted, configProblems, violations: checked.violations };
}

/**
 * Returns the Envoy resources `proxy` would receive for `configs` ({@link translateWithReport}
 * without the report): for jest tests of Istio config and the CLI's `translate`.
 */
export function translate(configs: readonly ConfigObject[], proxy: ProxyNodeInput | Proxy, options: TranslateOptions = {}): EnvoyResources {
  return translateWithReport(configs, proxy, options).resources;
}

/**
 * Returns where one request from `proxy` goes under `configs`: {@link translate}, then
 * {@link simulateRequest} on the result. For jest tests of Istio config:
 * `expect(simulate(objs, node, { host: 'reviews', port: 9080 }).cluster).toBe('outbound|9080|v1|reviews.default.svc.cluster.local')`.
 */
export function simulate(configs: readonly ConfigObject[], proxy: ProxyNodeInput | Proxy, request: SimulationRequest, options: TranslateOptions = {}): SimulationResult {
  return simulateRequest(translate(configs, proxy, options), request);
}
