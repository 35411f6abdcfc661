// Cross-resource checks (istioctl analyze's IST0101/IST0109 and the conflicts Envoy would reject).
import type { ConfigSnapshot } from '../config-snapshot.js';
import type { ConfigObject, GatewayConfig, VirtualServiceConfig } from '../kinds.js';
import type { ConfigProblem } from '../problem.js';
import type { Destination } from '../istio/common.js';
import { at, createCollector, type Collector } from './collector.js';
import { createHostIndex, type HostIndex } from './host-overlaps.js';
import { isTlsProtocol, parseProtocolName } from './primitives.js';

/** Options of {@link analyzeConfig}. */
export interface AnalyzeOptions {
  /** The mesh's DNS suffix for short service names (`reviews` → `reviews.default.svc.cluster.local`). */
  readonly domainSuffix?: string;
}

/**
 * Returns the problems found across resources (stage `validation`), each naming the resource it is
 * reported on. The decisions, per check:
 * - a route (or mirror) to a subset no DestinationRule for that host defines: **warning** (Istio's
 *   IST0101). The route is served; Envoy accepts it (route configurations are sent with
 *   `validate_clusters: false`) and answers 503 until the subset exists.
 * - a gateway reference (`spec.gateways` or a match's `gateways`) to no existing Gateway: **warning**
 *   (IST0101). Nothing binds to it, the VirtualService's other bindings keep working.
 * - two VirtualServices with the same host bound to the same gateway (or the mesh): **warning** on
 *   the newer one (IST0109). Well defined: sidecars use the oldest, gateways merge routes in order.
 * - one VirtualService whose hosts resolve to the same name (`reviews` and
 *   `reviews.default.svc.cluster.local`): **error**, the VirtualService is withheld. Envoy rejects a
 *   virtual host listing a domain twice, which would take down the whole route configuration.
 * - two Gateways with a TLS (HTTPS/TLS) server on the same port and host for the same workloads:
 *   **error** on the newer Gateway, which is withheld. Envoy rejects duplicate filter chain matches
 *   for the whole listener; the older Gateway keeps serving.
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
        const key = `${gw} ${fqdn}`;
        const older = claimed.get(key);
        if (older && older !== vs) {
          c.warn(at('spec.hosts', i), `host ${JSON.stringify(fqdn)} bound to ${gw} is also defined by the older VirtualService ${older.metadata.namespace}/${older.metadata.name}; sidecars use only the oldest, gateways merge their routes in order`);
        } else if (!older) {
          claimed.set(key, vs);
        }
      }
    });
  }
  checkGatewayConflicts(snapshot, problems);
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

function checkGatewayRefs(c: Collector, snapshot: ConfigSnapshot, vs: VirtualServiceConfig): void {
  const ns = vs.metadata.namespace;
  const check = (field: string, ref: string): void => {
    const gw = resolveGateway(ref, ns);
    if (gw === 'mesh') return;
    const [gwNs = '', name = ''] = gw.split('/');
    if (!snapshot.get('Gateway', gwNs, name)) c.warn(field, `Referenced gateway not found: ${JSON.stringify(gw)}`);
  };
  (vs.spec.gateways ?? []).forEach((g, i) => check(at('spec.gateways', i), g));
  (vs.spec.http ?? []).forEach((h, i) => (h.match ?? []).forEach((m, j) => (m.gateways ?? []).forEach((g, k) => check(at(at(at(at(at('spec.http', i), 'match'), j), 'gateways'), k), g))));
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
  const check = (field: string, d: Destination | undefined): void => {
    if (!d?.subset) return;
    const host = resolveHost(d.host, vs.metadata.namespace, suffix);
    if (index.overlapping(host).some((subsets) => subsets.has(d.subset!))) return;
    c.warn(at(field, 'subset'), `Referenced host+subset in destinationrule not found: ${JSON.stringify(`${host}+${d.subset}`)}`);
  };
  const spec = vs.spec;
  (spec.http ?? []).forEach((h, i) => {
    const f = at('spec.http', i);
    (h.route ?? []).forEach((r, j) => check(at(at(at(f, 'route'), j), 'destination'), r.destination));
    check(at(f, 'mirror'), h.mirror);
    (h.mirrors ?? []).forEach((m, j) => check(at(at(at(f, 'mirrors'), j), 'destination'), m.destination));
  });
  for (const kind of ['tcp', 'tls'] as const) {
    (spec[kind] ?? []).forEach((t, i) => (t.route ?? []).forEach((r, j) => check(at(at(at(at(`spec.${kind}`, i), 'route'), j), 'destination'), r.destination)));
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
          c.error(at('spec.servers', i), `server on port ${s.port?.number ?? 0} with host ${JSON.stringify(dns)} conflicts with the older Gateway ${owner.metadata.namespace}/${owner.metadata.name} for the same workloads; Envoy rejects duplicate filter chain matches`);
        } else if (!owner) {
          owners.set(key, gw);
        }
      }
    });
  }
}
