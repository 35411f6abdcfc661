import { createHash } from 'node:crypto';
import type { ConfigSnapshot, MeshConfig, PodConfig, VirtualServiceConfig, DestinationRuleConfig, GatewayConfig, HTTPRoute, Subset, TrafficPolicy } from '@minipilot/config';
import { DEFAULT_MESH_CONFIG } from '@minipilot/config';
import { buildServiceRegistry, matchesLabels } from './service-registry.js';
import { resolveHost, hostMatches } from './host.js';
import type { ServiceModel, EndpointModel } from './service.js';
import { indexDelegation } from './delegation-index.js';
import type { ServiceAlias } from './service-aliases.js';
import { istioOrder } from './istio-order.js';
import { buildPeerAuthenticationIndex, type PeerAuthenticationIndex } from './peer-authentication.js';

export { istioOrder } from './istio-order.js';

/** A VirtualService with its hosts and gateways resolved in its namespace (istiod's virtualservice controller). */
export interface VirtualServiceModel {
  readonly config: VirtualServiceConfig;
  readonly hosts: readonly string[];
  /** Resolved gateway names (`ns/name`, or `mesh`); `['mesh']` when the VirtualService lists none. */
  readonly gateways: readonly string[];
  readonly exportTo: readonly string[];
  /** Its `http` routes with delegate routes merged in (istiod's merged VirtualService); `spec.http` when it delegates nothing. */
  readonly http: readonly HTTPRoute[];
  /** The delegate VirtualServices merged into {@link http} (their revisions enter cache keys). */
  readonly delegates: readonly VirtualServiceConfig[];
  /** istiod's warnings from merging its delegates (reported with its routes). */
  readonly delegationWarnings: readonly string[];
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
  /** The ExternalName Services that alias `hostname` (istiod's `Attributes.Aliases`), sorted; empty if none. */
  aliasesOf(hostname: string): readonly ServiceAlias[];
  /** Endpoints of a service port (target ports), sorted by address. */
  endpoints(hostname: string, port: number): readonly EndpointModel[];
  /**
   * VirtualServices in istiod's order (creation time, then name, then namespace), delegates merged
   * into their roots; delegate VirtualServices (no hosts) are not listed, as istiod applies them only
   * through a root.
   */
  readonly virtualServices: readonly VirtualServiceModel[];
  /** The root VirtualServices whose `delegate` routes name the VirtualService `namespace/name` (found or not). */
  delegateRoots(namespace: string, name: string): readonly VirtualServiceModel[];
  /** Gateways in istiod's order (creation time, then name, then namespace), which decides server conflicts. */
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
  /**
   * VirtualServices bound to `mesh` that name `hostname` exactly, in istiod's order, and those with
   * wildcard hosts (indexed once per push, so a host lookup does not scan every VirtualService).
   */
  meshVirtualServices(hostname: string): { readonly exact: readonly VirtualServiceModel[]; readonly wildcard: readonly VirtualServiceModel[] };
  /**
   * Which of the push's label selectors (DestinationRule workloadSelectors, VirtualService
   * `sourceLabels`, Gateway selectors) `labels` satisfy, as a short string. Generators read a
   * proxy's labels only through these selectors, so proxies with equal signatures (and equal views)
   * get identical outbound config.
   */
  selectorSignature(labels: Readonly<Record<string, string>>): string;
  /**
   * A short content fingerprint of a service port's endpoints (addresses, ports, labels, locality,
   * health, weight, service account and the Pod holding each address): equal across pushes while
   * they do not change. Computed once per push and port.
   */
  endpointsFingerprint(hostname: string, port: number): string;
  /** The fingerprint of the config object a service came from (its `configKey`), see {@link revisionOf}. */
  serviceRevision(service: ServiceModel): string;
  /** The PeerAuthentications (mTLS modes of workloads and namespaces). */
  readonly peerAuthentication: PeerAuthenticationIndex;
}

const revisions = new WeakMap<object, number>();
let revisionCounter = 0;

/**
 * A number that identifies one immutable config object instance (a VirtualService, a mesh config,
 * ...). Config sources keep the previous instance of an object whose content did not change, so a
 * revision stays the same across pushes until its object changes; cache keys of generated
 * resources are built from revisions. A new instance with equal content only costs a cache miss.
 */
export function revisionOf(obj: object): number {
  let r = revisions.get(obj);
  if (r === undefined) {
    r = ++revisionCounter;
    revisions.set(obj, r);
  }
  return r;
}

function visible(exportTo: readonly string[], ns: string, viewer: string): boolean {
  return exportTo.some((e) => e === '*' || e === viewer || (e === '.' && ns === viewer));
}

/** Builds the push context for a config snapshot and mesh config. */
export function buildPushContext(config: ConfigSnapshot, mesh: MeshConfig = DEFAULT_MESH_CONFIG): PushContext {
  const registry = buildServiceRegistry(config, mesh);
  const byHost = new Map(registry.services.map((s) => [s.hostname, s]));
  const { virtualServices, delegateRoots } = indexDelegation([...config.ofKind('VirtualService')].sort(istioOrder), mesh);
  const drs = [...config.ofKind('DestinationRule')].sort(istioOrder).map((dr) => ({
    config: dr,
    host: resolveHost(dr.spec.host, dr.metadata.namespace),
    exportTo: (dr.spec.exportTo && dr.spec.exportTo.length > 0 ? dr.spec.exportTo : mesh.defaultDestinationRuleExportTo).map((e) => (e === '.' ? dr.metadata.namespace : e)),
  }));
  const drCache = new Map<string, EffectiveDestinationRule | undefined>();
  type IndexedRule = (typeof drs)[number] & { readonly order: number };
  // Per namespace: rules by exact host, rules with a wildcard host, and rules with a workloadSelector.
  const exactDrs = new Map<string, Map<string, IndexedRule[]>>();
  const wildcardDrs = new Map<string, IndexedRule[]>();
  const selectorDrs = new Map<string, IndexedRule[]>();
  const push = <K, V>(m: Map<K, V[]>, k: K, v: V): void => { const l = m.get(k); if (l) l.push(v); else m.set(k, [v]); };
  drs.forEach((d, order) => {
    const r: IndexedRule = { ...d, order };
    const ns = d.config.metadata.namespace;
    if (d.host.startsWith('*')) push(wildcardDrs, ns, r);
    else {
      let byHostInNs = exactDrs.get(ns);
      if (!byHostInNs) exactDrs.set(ns, (byHostInNs = new Map()));
      push(byHostInNs, d.host, r);
    }
    if (d.config.spec.workloadSelector) push(selectorDrs, ns, r);
  });

  const destinationRule = (proxyNs: string, hostname: string, proxyLabels: Readonly<Record<string, string>> = {}): EffectiveDestinationRule | undefined => {
    const selects = (d: IndexedRule): boolean => matchesLabels(drSelector(d.config) ?? {}, proxyLabels);
    const selectorKey = (selectorDrs.get(proxyNs) ?? []).filter(selects).map((d) => d.config.metadata.name).join(',');
    const cacheKey = `${proxyNs} ${hostname} ${selectorKey}`;
    if (drCache.has(cacheKey)) return drCache.get(cacheKey);
    const svcNs = byHost.get(hostname)?.namespace;
    let found: EffectiveDestinationRule | undefined;
    for (const ns of [proxyNs, svcNs, mesh.rootNamespace]) {
      if (found || ns === undefined) continue;
      // Rules with a workloadSelector apply only to matching workloads of their own namespace.
      const candidates = [...(exactDrs.get(ns)?.get(hostname) ?? []), ...(wildcardDrs.get(ns) ?? []).filter((d) => hostMatches(d.host, hostname))]
        .filter((d) => (d.config.spec.workloadSelector ? ns === proxyNs && selects(d) : ns === proxyNs || visible(d.exportTo, ns, proxyNs)))
        .sort((a, b) => a.order - b.order);
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
  const meshVs = new Map<string, VirtualServiceModel[]>();
  const wildcardVs: VirtualServiceModel[] = [];
  for (const vs of virtualServices) {
    if (!vs.gateways.includes('mesh')) continue;
    if (vs.hosts.some((h) => h.startsWith('*'))) wildcardVs.push(vs);
    for (const h of new Set(vs.hosts)) {
      if (h.startsWith('*')) continue;
      const list = meshVs.get(h);
      if (list) list.push(vs); else meshVs.set(h, [vs]);
    }
  }
  const noVs: readonly VirtualServiceModel[] = Object.freeze([]);
  const noAliases: readonly ServiceAlias[] = Object.freeze([]);
  const selectors = collectSelectors(config);
  const signatures = new Map<string, string>();
  const selectorSignature = (labels: Readonly<Record<string, string>>): string => {
    if (selectors.length === 0) return '';
    const key = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
    let sig = signatures.get(key);
    if (sig === undefined) {
      sig = selectors.flatMap((sel, i) => (matchesLabels(sel, labels) ? [i.toString(36)] : [])).join('.');
      signatures.set(key, sig);
    }
    return sig;
  };
  const endpointPrints = new Map<string, string>();
  const endpointsFingerprint = (hostname: string, port: number): string => {
    const key = `${hostname}|${port}`;
    let fp = endpointPrints.get(key);
    if (fp === undefined) {
      const eps = registry.endpoints.get(hostname)?.get(port) ?? empty;
      const svcNs = byHost.get(hostname)?.namespace ?? '';
      fp = shortHash(JSON.stringify(eps.map((e) => [e, podByIp(svcNs, e.address)?.metadata.name ?? ''])));
      endpointPrints.set(key, fp);
    }
    return fp;
  };
  const serviceRevision = (service: ServiceModel): string => {
    const source = config.objects.get(service.configKey);
    return source ? `${revisionOf(source)}` : shortHash(JSON.stringify(service));
  };
  return Object.freeze({
    mesh,
    config,
    services: registry.services,
    serviceByHostname: (h: string) => byHost.get(h),
    aliasesOf: (h: string) => registry.aliases.get(h) ?? noAliases,
    endpoints: (h: string, port: number) => registry.endpoints.get(h)?.get(port) ?? empty,
    virtualServices,
    delegateRoots,
    gateways: [...config.ofKind('Gateway')].sort(istioOrder),
    destinationRule,
    visibleTo: visible,
    servedAt,
    podByIp,
    meshVirtualServices: (hostname: string) => ({ exact: meshVs.get(hostname) ?? noVs, wildcard: wildcardVs }),
    selectorSignature,
    endpointsFingerprint,
    serviceRevision,
    peerAuthentication: buildPeerAuthenticationIndex(config, mesh.rootNamespace),
  });
}

/** Every distinct label selector the config matches workloads with (order fixed by the snapshot). */
function collectSelectors(config: ConfigSnapshot): Readonly<Record<string, string>>[] {
  const seen = new Map<string, Readonly<Record<string, string>>>();
  const add = (sel: Readonly<Record<string, string>> | undefined): void => {
    if (!sel || Object.keys(sel).length === 0) return;
    const key = JSON.stringify(Object.keys(sel).sort().map((k) => [k, sel[k]]));
    if (!seen.has(key)) seen.set(key, sel);
  };
  for (const dr of config.ofKind('DestinationRule')) add(drSelector(dr));
  for (const gw of config.ofKind('Gateway')) add(gw.spec.selector);
  for (const vs of config.ofKind('VirtualService')) {
    for (const r of [...(vs.spec.http ?? []), ...(vs.spec.tcp ?? []), ...(vs.spec.tls ?? [])]) {
      for (const m of r.match ?? []) add(m.sourceLabels);
    }
  }
  return [...seen.values()];
}

/** A short content hash (132 bits of SHA-256, base64url) for cache keys and fingerprints. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}
/**
 * A DestinationRule's workload selector labels: Istio's field is `matchLabels`
 * (istio.type.v1beta1.WorkloadSelector); `labels` (the Sidecar resource's spelling) is accepted too.
 */
function drSelector(dr: DestinationRuleConfig): Readonly<Record<string, string>> | undefined {
  return dr.spec.workloadSelector?.matchLabels ?? dr.spec.workloadSelector?.labels;
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

