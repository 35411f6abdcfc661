import type { ConfigSnapshot, MeshConfig, PodConfig, VirtualServiceConfig, DestinationRuleConfig, GatewayConfig, Subset, TrafficPolicy } from '@minipilot/config';
import { DEFAULT_MESH_CONFIG } from '@minipilot/config';
import { buildServiceRegistry, matchesLabels } from './service-registry.js';
import { resolveHost, resolveGatewayName, hostMatches } from './host.js';
import type { ServiceModel, EndpointModel } from './service.js';

/** A VirtualService with its hosts and gateways resolved in its namespace (istiod's virtualservice controller). */
export interface VirtualServiceModel {
  readonly config: VirtualServiceConfig;
  readonly hosts: readonly string[];
  /** Resolved gateway names (`ns/name`, or `mesh`); `['mesh']` when the VirtualService lists none. */
  readonly gateways: readonly string[];
  readonly exportTo: readonly string[];
}

/** The DestinationRule that applies to a host for some proxy, merged as istiod merges duplicates. */
export interface EffectiveDestinationRule {
  readonly configs: readonly DestinationRuleConfig[];
  readonly trafficPolicy?: TrafficPolicy;
  readonly subsets: readonly Subset[];
  /** True when the rule was chosen by its workloadSelector (istiod then allows credentialName on sidecars). */
  readonly workloadSelector: boolean;
}

/**
 * An immutable, indexed snapshot of the world, built once per config change and shared by all
 * generators (istiod's PushContext). Holds indexes, not per-proxy logic.
 */
export interface PushContext {
  readonly mesh: MeshConfig;
  readonly config: ConfigSnapshot;
  /** All services, sorted by hostname. */
  readonly services: readonly ServiceModel[];
  serviceByHostname(hostname: string): ServiceModel | undefined;
  /** Endpoints of a service port (target ports), sorted by address. */
  endpoints(hostname: string, port: number): readonly EndpointModel[];
  /** VirtualServices in istiod's order: creation time, then name, then namespace. */
  readonly virtualServices: readonly VirtualServiceModel[];
  readonly gateways: readonly GatewayConfig[];
  /**
   * The DestinationRule that applies to `hostname` for a proxy in `proxyNamespace` with workload
   * `proxyLabels`, if any (istiod's lookup: the proxy namespace, then the service namespace, then
   * the root namespace; a rule whose workloadSelector matches the proxy wins in its namespace).
   */
  destinationRule(proxyNamespace: string, hostname: string, proxyLabels?: Readonly<Record<string, string>>): EffectiveDestinationRule | undefined;
  /** True if a config object in namespace `ns` with `exportTo` is visible from `viewerNamespace`. */
  visibleTo(exportTo: readonly string[], ns: string, viewerNamespace: string): boolean;
  /** The service ports with an endpoint on `address`, as `hostname|port|targetPort` (indexed once per push). */
  servedAt(address: string): readonly string[];
  /** The Pod holding `ip` in namespace `ns`, if the registry has one (indexed once per push). */
  podByIp(ns: string, ip: string): PodConfig | undefined;
}

function visible(exportTo: readonly string[], ns: string, viewer: string): boolean {
  return exportTo.some((e) => e === '*' || e === viewer || (e === '.' && ns === viewer));
}

/** Builds the push context for a config snapshot and mesh config. */
export function buildPushContext(config: ConfigSnapshot, mesh: MeshConfig = DEFAULT_MESH_CONFIG): PushContext {
  const registry = buildServiceRegistry(config, mesh);
  const byHost = new Map(registry.services.map((s) => [s.hostname, s]));
  const virtualServices = [...config.ofKind('VirtualService')]
    .sort(istioOrder)
    .map((vs): VirtualServiceModel => {
      const ns = vs.metadata.namespace;
      const gws = vs.spec.gateways && vs.spec.gateways.length > 0 ? vs.spec.gateways : ['mesh'];
      const exp = vs.spec.exportTo && vs.spec.exportTo.length > 0 ? vs.spec.exportTo : mesh.defaultVirtualServiceExportTo;
      return Object.freeze({
        config: vs,
        hosts: (vs.spec.hosts ?? []).map((h) => resolveHost(h, ns)),
        gateways: gws.map((g) => resolveGatewayName(g, ns)),
        exportTo: exp.map((e) => (e === '.' ? ns : e)),
      });
    });
  const drs = [...config.ofKind('DestinationRule')].sort(istioOrder).map((dr) => ({
    config: dr,
    host: resolveHost(dr.spec.host, dr.metadata.namespace),
    exportTo: (dr.spec.exportTo && dr.spec.exportTo.length > 0 ? dr.spec.exportTo : mesh.defaultDestinationRuleExportTo).map((e) => (e === '.' ? dr.metadata.namespace : e)),
  }));
  const drCache = new Map<string, EffectiveDestinationRule | undefined>();

  const destinationRule = (proxyNs: string, hostname: string, proxyLabels: Readonly<Record<string, string>> = {}): EffectiveDestinationRule | undefined => {
    const selects = (d: (typeof drs)[number]): boolean => matchesLabels(d.config.spec.workloadSelector?.labels ?? {}, proxyLabels);
    const selectorKey = drs.filter((d) => d.config.metadata.namespace === proxyNs && d.config.spec.workloadSelector && selects(d)).map((d) => d.config.metadata.name).join(',');
    const cacheKey = `${proxyNs} ${hostname} ${selectorKey}`;
    if (drCache.has(cacheKey)) return drCache.get(cacheKey);
    const svcNs = byHost.get(hostname)?.namespace;
    let found: EffectiveDestinationRule | undefined;
    for (const ns of [proxyNs, svcNs, mesh.rootNamespace]) {
      if (found || ns === undefined) continue;
      // Rules with a workloadSelector apply only to matching workloads of their own namespace.
      const candidates = drs.filter((d) => d.config.metadata.namespace === ns && hostMatches(d.host, hostname)
        && (d.config.spec.workloadSelector ? ns === proxyNs && selects(d) : ns === proxyNs || visible(d.exportTo, ns, proxyNs)));
      if (candidates.length === 0) continue;
      const best = candidates.reduce((a, b) => (specificity(b.host) > specificity(a.host) ? b : a)).host;
      const atBest = candidates.filter((d) => d.host === best);
      const selected = atBest.find((d) => d.config.spec.workloadSelector);
      found = selected ? mergeRules([selected.config], true) : mergeRules(atBest.map((d) => d.config), false);
    }
    drCache.set(cacheKey, found);
    return found;
  };

  const empty: readonly EndpointModel[] = Object.freeze([]);
  let served: Map<string, string[]> | undefined;
  const servedAt = (address: string): readonly string[] => {
    if (!served) {
      served = new Map();
      for (const [hostname, ports] of registry.endpoints) {
        for (const [port, eps] of ports) {
          for (const ep of eps) {
            const list = served.get(ep.address);
            const entry = `${hostname}|${port}|${ep.port}`;
            if (!list) served.set(ep.address, [entry]); else if (!list.includes(entry)) list.push(entry);
          }
        }
      }
    }
    return served.get(address) ?? [];
  };
  let podsByIp: Map<string, PodConfig> | undefined;
  const podByIp = (ns: string, ip: string): PodConfig | undefined => {
    if (!podsByIp) {
      podsByIp = new Map();
      for (const p of config.ofKind('Pod')) {
        const ips = [p.body.status?.podIP, ...(p.body.status?.podIPs ?? []).map((x) => x.ip)];
        for (const a of ips) if (a && !podsByIp.has(`${p.metadata.namespace}/${a}`)) podsByIp.set(`${p.metadata.namespace}/${a}`, p);
      }
    }
    return podsByIp.get(`${ns}/${ip}`);
  };
  return Object.freeze({
    mesh,
    config,
    services: registry.services,
    serviceByHostname: (h: string) => byHost.get(h),
    endpoints: (h: string, port: number) => registry.endpoints.get(h)?.get(port) ?? empty,
    virtualServices,
    gateways: config.ofKind('Gateway'),
    destinationRule,
    visibleTo: visible,
    servedAt,
    podByIp,
  });
}

function specificity(host: string): number {
  return host.startsWith('*') ? host.length : 10_000 + host.length;
}

/**
 * Merges DestinationRules for one host as istiod merges duplicates in a namespace: subsets
 * concatenated (first of a name wins), the first top-level trafficPolicy wins.
 */
function mergeRules(chosen: readonly DestinationRuleConfig[], workloadSelector: boolean): EffectiveDestinationRule {
  const subsets: Subset[] = [];
  for (const c of chosen) for (const s of c.spec.subsets ?? []) if (!subsets.some((x) => x.name === s.name)) subsets.push(s);
  const tp = chosen.find((c) => c.spec.trafficPolicy)?.spec.trafficPolicy;
  return Object.freeze({ configs: chosen, subsets, workloadSelector, ...(tp ? { trafficPolicy: tp } : {}) });
}

/** istiod's config order: creationTimestamp (missing counts as equal), then name, then namespace. */
export function istioOrder(a: { metadata: { creationTimestamp?: string; name: string; namespace: string } }, b: typeof a): number {
  const ta = a.metadata.creationTimestamp ? Date.parse(a.metadata.creationTimestamp) : NaN;
  const tb = b.metadata.creationTimestamp ? Date.parse(b.metadata.creationTimestamp) : NaN;
  if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta - tb;
  return a.metadata.name.localeCompare(b.metadata.name) || a.metadata.namespace.localeCompare(b.metadata.namespace);
}
