// Cross-resource checks (istioctl analyze's IST0101/IST0109 and the conflicts Envoy would reject).
import type { ConfigSnapshot } from '../config-snapshot.js';
import type { ConfigObject, GatewayConfig, VirtualServiceConfig } from '../kinds.js';
import type { ConfigProblem } from '../problem.js';
import type { Destination } from '../istio/common.js';
import { at, createCollector, type Collector } from './collector.js';
import { hostsOverlap } from './hostname.js';
import { checkMeshHostConflicts } from './mesh-host-conflicts.js';
import { createHostIndex, type HostIndex } from './host-overlaps.js';
import { isTlsProtocol, parseProtocolName } from './primitives.js';

/** Options of {@link analyzeConfig}. */
export interface AnalyzeOptions {
  /** The mesh's DNS suffix for short service names (`reviews` → `reviews.default.svc.cluster.local`). */
  readonly domainSuffix?: string;
  /**
   * True when proxies capture DNS and auto-allocate addresses (MeshConfig defaultConfig.proxyMetadata
   * ISTIO_META_DNS_CAPTURE and ISTIO_META_DNS_AUTO_ALLOCATE or PILOT_ENABLE_IP_AUTOALLOCATE "true"):
   * analyze then does not ask TCP ServiceEntries for addresses (IST0134). Default false.
   */
  readonly dnsAutoAllocate?: boolean;
}

/**
 * Returns the problems found across resources (stage `validation`), each naming the resource it is
 * reported on. The decisions, per check:
 * - a route (or mirror) to a subset no DestinationRule for that host defines: **warning** (analyze's
 *   IST0101, an Error there: `minipilot validate` prints analyze's level). The route is served; Envoy accepts it (route configurations are sent with
 *   `validate_clusters: false`) and answers 503 until the subset exists.
 * - a gateway reference (`spec.gateways` or a match's `gateways`) to no existing Gateway: **warning**
 *   (IST0101 for `spec.gateways`). Nothing binds to it, the VirtualService's other bindings keep
 *   working. A Gateway that has none of the VirtualService's hosts: **warning** (IST0132).
 * - two VirtualServices with the same host bound to the mesh: **warning** on each (analyze's IST0109,
 *   in its words; sidecars use the oldest). Bound to the same gateway: **warning** on the newer one
 *   (gateways merge their routes in order; analyze has no message for it).
 * - one VirtualService whose hosts resolve to the same name (`reviews` and
 *   `reviews.default.svc.cluster.local`): **error**, the VirtualService is withheld. Envoy rejects a
 *   virtual host listing a domain twice, which would take down the whole route configuration.
 * - two Gateways with a TLS (HTTPS/TLS) server on the same port and host for the same workloads:
 *   **error** on the newer Gateway, which is withheld (analyze's IST0145 words). Envoy rejects duplicate
 *   filter chain matches for the whole listener; the older Gateway keeps serving.
 * - a ServiceEntry port serving TCP (or no protocol) with no addresses: **warning** (analyze's IST0134,
 *   unless {@link AnalyzeOptions.dnsAutoAllocate}; minipilot allocates no addresses itself).
 * Pure; never throws.
 */
export function analyzeConfig(snapshot: ConfigSnapshot, options: AnalyzeOptions = {}): ConfigProblem[] {
  const suffix = options.domainSuffix ?? 'cluster.local';
  const problems: ConfigProblem[] = [];
  const vss = [...snapshot.ofKind('VirtualService')].sort(istioOrder);
  const subsets = subsetIndex(snapshot, suffix);
  const claimed = new Map<string, VirtualServiceConfig>();
  for (const vs of vss) {
    const c = collectorFor(vs, problems);
    const ns = vs.metadata.namespace;
    checkGatewayRefs(c, snapshot, vs);
    checkSubsets(c, vs, subsets, suffix);
    const resolved = new Map<string, string>();
    (vs.spec.hosts ?? []).forEach((h, i) => {
      const fqdn = resolveHost(h, ns, suffix);
      const first = resolved.get(fqdn);
      if (first !== undefined && first !== h) {
        c.error(at('spec.hosts', i), `host ${JSON.stringify(h)} and host ${JSON.stringify(first)} are the same host ${JSON.stringify(fqdn)} in namespace ${ns}; Envoy rejects a virtual host with a duplicate domain`);
      }
      if (first === undefined) resolved.set(fqdn, h);
      for (const gw of vsGateways(vs)) {
        if (gw === 'mesh') continue; // istioctl analyze's IST0109, below
        const key = `${gw} ${fqdn}`;
        const older = claimed.get(key);
        if (older && older !== vs) {
          c.warn(at('spec.hosts', i), `host ${JSON.stringify(fqdn)} bound to ${gw} is also defined by the older VirtualService ${older.metadata.namespace}/${older.metadata.name}; gateways merge their routes in order`);
        } else if (!older) {
          claimed.set(key, vs);
        }
      }
    });
  }
  checkMeshHostConflicts(vss, suffix, problems);
  checkGatewayConflicts(snapshot, problems);
  if (!options.dnsAutoAllocate) checkServiceEntryAddresses(snapshot, problems);
  return problems;
}

function collectorFor(o: ConfigObject, problems: ConfigProblem[]): Collector {
  return createCollector({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name, ...(o.origin ? { origin: o.origin } : {}) }, problems);
}

/** istiod's order: creation time, then name, then namespace. */
function istioOrder(a: ConfigObject, b: ConfigObject): number {
  const ta = a.metadata.creationTimestamp ? Date.parse(a.metadata.creationTimestamp) : NaN;
  const tb = b.metadata.creationTimestamp ? Date.parse(b.metadata.creationTimestamp) : NaN;
  if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta - tb;
  return a.metadata.name.localeCompare(b.metadata.name) || a.metadata.namespace.localeCompare(b.metadata.namespace);
}

/** A short name (no dot) is a Kubernetes service in `ns`; anything else is already a full name. */
function resolveHost(h: string, ns: string, suffix: string): string {
  return h.includes('.') || h.startsWith('*') ? h : `${h}.${ns}.svc.${suffix}`;
}

/** `ns/name` of a gateway reference as istiod resolves it (`name`, `ns/name`, `./name`, legacy `name.ns`), or `mesh`. */
function resolveGateway(ref: string, ns: string): string {
  if (ref === 'mesh') return 'mesh';
  const slash = ref.indexOf('/');
  if (slash >= 0) return `${ref.slice(0, slash) === '.' ? ns : ref.slice(0, slash)}/${ref.slice(slash + 1)}`;
  const dot = ref.indexOf('.');
  return dot >= 0 ? `${ref.slice(dot + 1).split('.')[0]}/${ref.slice(0, dot)}` : `${ns}/${ref}`;
}

function vsGateways(vs: VirtualServiceConfig): string[] {
  const refs = vs.spec.gateways && vs.spec.gateways.length > 0 ? vs.spec.gateways : ['mesh'];
  return [...new Set(refs.map((g) => resolveGateway(g, vs.metadata.namespace)))];
}

/**
 * analyze's gateway checks (analyzers/virtualservice/gateways.go) for `spec.gateways`: IST0101 for a
 * Gateway that does not exist (named as written), IST0132 when none of the VirtualService's hosts is
 * among the Gateway's (also when it does not exist). A match's `gateways` get the IST0101 words
 * without the code: analyze does not check them.
 */
function checkGatewayRefs(c: Collector, snapshot: ConfigSnapshot, vs: VirtualServiceConfig): void {
  const ns = vs.metadata.namespace;
  const find = (ref: string): GatewayConfig | undefined => {
    const [gwNs = '', name = ''] = resolveGateway(ref, ns).split('/');
    return snapshot.get('Gateway', gwNs, name);
  };
  const hosts = vs.spec.hosts ?? [];
  (vs.spec.gateways ?? []).forEach((ref, i) => {
    if (ref === 'mesh') return;
    const field = at('spec.gateways', i);
    const gw = find(ref);
    if (!gw) c.warn(field, `Referenced gateway not found: ${JSON.stringify(ref)}`, 'IST0101');
    const gwHosts = gw ? gatewayHostsFor(gw, ns) : [];
    if (!gwHosts.some((gh) => hosts.some((h) => hostsOverlap(gh, h)))) {
      const gwName = gw ? `${gw.metadata.namespace}/${gw.metadata.name}` : resolveGateway(ref, ns);
      c.warn(field, `one or more host [${hosts.join(' ')}] defined in VirtualService ${ns}/${vs.metadata.name} not found in Gateway ${gwName}.`, 'IST0132');
    }
  });
  (vs.spec.http ?? []).forEach((h, i) => (h.match ?? []).forEach((m, j) => (m.gateways ?? []).forEach((ref, k) => {
    if (ref !== 'mesh' && !find(ref)) c.warn(at(at(at(at(at('spec.http', i), 'match'), j), 'gateways'), k), `Referenced gateway not found: ${JSON.stringify(ref)}`);
  })));
}

/** The Gateway's server hosts a VirtualService in `vsNs` may bind to, namespaces stripped (analyze's sanitizeServerHostNamespace and host.NamesForNamespace). */
function gatewayHostsFor(gw: GatewayConfig, vsNs: string): string[] {
  const out: string[] = [];
  for (const server of gw.spec.servers ?? []) {
    for (const h of server.hosts ?? []) {
      const slash = h.indexOf('/');
      if (slash < 0) {
        out.push(h);
        continue;
      }
      const hostNs = h.slice(0, slash) === '.' ? gw.metadata.namespace : h.slice(0, slash);
      if (hostNs === vsNs || hostNs === '*') out.push(h.slice(slash + 1));
    }
  }
  return out;
}

/** The subset names of every DestinationRule, by its host (resolved), found by host overlap. */
function subsetIndex(snapshot: ConfigSnapshot, suffix: string): HostIndex<Set<string>> {
  const index = createHostIndex<Set<string>>();
  for (const dr of snapshot.ofKind('DestinationRule')) {
    index.add(resolveHost(dr.spec.host, dr.metadata.namespace, suffix), new Set((dr.spec.subsets ?? []).map((s) => s.name)));
  }
  return index;
}

function checkSubsets(c: Collector, vs: VirtualServiceConfig, index: HostIndex<Set<string>>, suffix: string): void {
  const check = (field: string, d: Destination | undefined, what = 'host'): void => {
    if (!d?.subset) return;
    const host = resolveHost(d.host, vs.metadata.namespace, suffix);
    if (index.overlapping(host).some((subsets) => subsets.has(d.subset!))) return;
    c.warn(at(field, 'subset'), `Referenced ${what}+subset in destinationrule not found: ${JSON.stringify(`${d.host}+${d.subset}`)}`, 'IST0101');
  };
  const spec = vs.spec;
  (spec.http ?? []).forEach((h, i) => {
    const f = at('spec.http', i);
    (h.route ?? []).forEach((r, j) => check(at(at(at(f, 'route'), j), 'destination'), r.destination));
    check(at(f, 'mirror'), h.mirror, 'mirror');
    (h.mirrors ?? []).forEach((m, j) => check(at(at(at(f, 'mirrors'), j), 'destination'), m.destination, 'mirror'));
  });
  for (const kind of ['tcp', 'tls'] as const) {
    (spec[kind] ?? []).forEach((t, i) => (t.route ?? []).forEach((r, j) => check(at(at(at(at(`spec.${kind}`, i), 'route'), j), 'destination'), r.destination)));
  }
}

/** analyze's IST0134 (analyzers/serviceentry/protocoladdresses.go): a TCP or unset-protocol port of a ServiceEntry without addresses. */
function checkServiceEntryAddresses(snapshot: ConfigSnapshot, problems: ConfigProblem[]): void {
  for (const se of snapshot.ofKind('ServiceEntry')) {
    if ((se.spec.addresses ?? []).length > 0) continue;
    const c = collectorFor(se, problems);
    (se.spec.ports ?? []).forEach((p, i) => {
      if (!p.protocol || p.protocol.toUpperCase() === 'TCP') c.warn(at('spec.ports', i), 'ServiceEntry addresses are required for this protocol.', 'IST0134');
    });
  }
}

function selectorKey(gw: GatewayConfig): string {
  const sel = gw.spec.selector ?? {};
  return Object.keys(sel).sort().map((k) => `${k}=${sel[k]}`).join(',');
}

function checkGatewayConflicts(snapshot: ConfigSnapshot, problems: ConfigProblem[]): void {
  const owners = new Map<string, GatewayConfig>();
  for (const gw of [...snapshot.ofKind('Gateway')].sort(istioOrder)) {
    const c = collectorFor(gw, problems);
    (gw.spec.servers ?? []).forEach((s, i) => {
      if (!isTlsProtocol(parseProtocolName(s.port?.protocol))) return;
      for (const h of s.hosts ?? []) {
        const dns = h.includes('/') ? h.slice(h.indexOf('/') + 1) : h;
        const key = `${selectorKey(gw)} ${s.bind ?? ''}:${s.port?.number ?? 0} ${dns}`;
        const owner = owners.get(key);
        if (owner && owner !== gw) {
          const selector = Object.entries(gw.spec.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
          c.error(at('spec.servers', i), `Conflict with gateways ${owner.metadata.namespace}/${owner.metadata.name} (workload selector ${selector}, port ${s.port?.number ?? 0}, hosts [${dns}]).`, 'IST0145');
        } else if (!owner) {
          owners.set(key, gw);
        }
      }
    });
  }
}
