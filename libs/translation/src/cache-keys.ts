import type { HTTPRoute } from '@minipilot/config';
import { resolveHost } from './model/host.js';
import { revisionOf, shortHash, type EffectiveDestinationRule, type PushContext, type VirtualServiceModel } from './model/push-context.js';
import type { ServiceModel } from './model/service.js';
import { serviceAccountsOf } from './generators/service-identity.js';
import { virtualServiceForHost } from './generators/virtual-service-for-host.js';
import type { OutboundClusterRef } from './generators/outbound-cluster-refs.js';
import { localityLbKey, localityLbPlan } from './generators/locality-lb.js';
import { endpointMtlsKey } from './generators/auto-mtls.js';
import { visibleServices } from './generators/outbound-cluster-refs.js';
import { podByIp } from './generators/service-identity.js';
import type { Proxy, ProxyView } from './proxy.js';

/**
 * A cache of generated resources (or parts of them, like virtual hosts) shared across proxies and
 * pushes: returns the value cached under `key`, or builds, caches and returns it. Keys are made by
 * the functions of this file from exactly what the value depends on, so an entry is reused by every
 * proxy and push that would build the same value. Values must be treated as immutable.
 */
export type ResourceMemo = <T extends object>(key: string, build: () => T) => T;

/** A {@link ResourceMemo} that caches nothing (plain generation, e.g. `translate`). */
export const NO_MEMO: ResourceMemo = (_key, build) => build();

const saPrints = new WeakMap<PushContext, Map<string, string>>();

/** The part of a key that names the DestinationRule configs a resource was built from. */
export function destinationRuleKey(dr: EffectiveDestinationRule | undefined): string {
  if (!dr) return '-';
  return dr.configs.map((c) => revisionOf(c)).join(',') + (dr.workloadSelector ? 's' : '');
}

/** The proxy-class part of a cluster key: the only fields of a ProxyView an outbound cluster reads. */
export function clusterViewKey(view: ProxyView): string {
  return `${view.type}.${view.generator}.${view.istioProxy ? 'i' : 'e'}.${view.ipFamily}`;
}

/**
 * Cache key of an outbound cluster: its name (service, port, subset), the proxy class (type,
 * generator, istio-proxy or stock Envoy, IP family), the service's source object, the
 * DestinationRule that applies after workload-selector matching, the mesh config, the service's
 * workload identities (TLS SANs), what auto-mTLS assumes about the destination (its namespace's
 * PeerAuthentication mode) and, for DNS clusters (which inline their endpoints) and passthrough
 * clusters (auto-mTLS only when every endpoint has a sidecar), the endpoints; for DNS clusters also
 * what decides their endpoints' tlsMode and, when locality load balancing changes them, the proxy's
 * locality part ({@link loadAssignmentKey}).
 */
export function outboundClusterKey(ref: OutboundClusterRef, view: ProxyView, push: PushContext): string {
  const isDns = ref.discovery === 'STRICT_DNS' || ref.discovery === 'LOGICAL_DNS';
  const dns = isDns ? `${push.endpointsFingerprint(ref.service.hostname, ref.port.port)}|p${localityPart(ref, push, view)}|t${endpointMtlsKey(ref, push)}`
    : ref.discovery === 'ORIGINAL_DST' ? push.endpointsFingerprint(ref.service.hostname, ref.port.port) : '';
  const mtls = push.peerAuthentication.namespaceMode(ref.service.namespace);
  return `cds|${ref.name}|${clusterViewKey(view)}|s${push.serviceRevision(ref.service)}|d${destinationRuleKey(ref.destinationRule)}|m${revisionOf(push.mesh)}|a${serviceAccountsKey(ref.service, push)}|t${mtls}|e${dns}`;
}

/**
 * Cache key of a ClusterLoadAssignment: the cluster name, the service's source object, the
 * endpoints of the service port (with their Pods), the subset's labels, what decides the endpoints'
 * tlsMode metadata (the DestinationRule's TLS mode, PeerAuthentications that DISABLE mTLS on some
 * endpoint) and, only when locality
 * load balancing changes this cluster's endpoints, its plan (from the DestinationRule and the mesh
 * `localityLbSetting`, see {@link localityLbPlan}) with the proxy's locality and failover-priority
 * label values: proxies elsewhere, and DestinationRule fields EDS does not read, keep every other
 * assignment shared.
 */
export function loadAssignmentKey(ref: OutboundClusterRef, push: PushContext, view: Pick<ProxyView, 'locality' | 'labels'>): string {
  return `eds|${ref.name}|s${push.serviceRevision(ref.service)}|e${push.endpointsFingerprint(ref.service.hostname, ref.port.port)}|l${JSON.stringify(ref.subsetLabels)}|p${localityPart(ref, push, view)}|t${endpointMtlsKey(ref, push)}`;
}

/** The locality load balancing part of a key: '' when it does not apply to the cluster. */
function localityPart(ref: OutboundClusterRef, push: PushContext, view: Pick<ProxyView, 'locality' | 'labels'>): string {
  const plan = localityLbPlan(ref.policy, push.mesh);
  return plan ? `${shortHash(JSON.stringify(plan))}|${localityLbKey(plan, view.locality, view.labels)}` : '';
}

/**
 * Cache key of a sidecar's virtual host for a service port: the service, the VirtualService that
 * routes it (or none) with the delegate VirtualServices merged into it, the proxy's namespace (short domains, sourceNamespace matches) and selector
 * signature (sourceLabels matches), the mesh config, and for every destination host the service
 * and the DestinationRule seen from the proxy (ports, hash policies).
 */
export function virtualHostKey(view: ProxyView, push: PushContext, svc: ServiceModel, port: number, vs: VirtualServiceModel | undefined): string {
  // The service itself is always a destination: its default route stands in when none of the VirtualService's routes applies.
  const aliases = push.aliasesOf(svc.hostname).map((a) => a.hostname).join(',');
  return hostKey(view, push, `${svc.hostname}|${port}|s${push.serviceRevision(svc)}|a${aliases}`, vs ? [...new Set([...destinationHosts(vs), svc.hostname])] : [svc.hostname], vs);
}

/**
 * Cache key of a sidecar's virtual host for a VirtualService host that is no service on the port
 * (e.g. `*.example.org` on port 80): the host and port, then what {@link virtualHostKey} holds for
 * the VirtualService's routes. The `vso|` prefix keeps it apart from service virtual hosts.
 */
export function virtualServiceHostKey(view: ProxyView, push: PushContext, host: string, port: number, vs: VirtualServiceModel): string {
  return `vso|${hostKey(view, push, `${host}|${port}`, destinationHosts(vs), vs)}`;
}

function hostKey(view: ProxyView, push: PushContext, subject: string, destinations: readonly string[], vs: VirtualServiceModel | undefined): string {
  const dest = destinations.map((h) => {
    const s = push.serviceByHostname(h);
    return `${h}:${s ? push.serviceRevision(s) : '-'}:${destinationRuleKey(push.destinationRule(view.namespace, h, view.labels))}`;
  });
  const vsPart = vs ? [vs.config, ...vs.delegates].map((c) => revisionOf(c)).join('+') : '-';
  const sig = vs && matchesBySourceLabels(vs) ? push.selectorSignature(view.labels) : '';
  return `vh|${subject}|v${vsPart}|n${view.namespace}|g${sig}|m${revisionOf(push.mesh)}|${dest.join(';')}`;
}

/**
 * Cache key of a sidecar's sniffed outbound listener `name` for `svc`: the service, the proxy class,
 * the mesh config, the service's DestinationRule seen from the proxy and the proxy's IDLE_TIMEOUT
 * (the TCP chain's idle timeout). Undefined, so not cached, when the service's VirtualService has
 * `tcp` routes: their matches and destinations would all have to enter the key.
 */
export function sniffedListenerKey(view: ProxyView, push: PushContext, svc: ServiceModel, name: string): string | undefined {
  const vs = virtualServiceForHost(view, push, svc.hostname);
  if ((vs?.config.spec.tcp?.length ?? 0) > 0) return undefined;
  const dr = destinationRuleKey(push.destinationRule(view.namespace, svc.hostname, view.labels));
  return `lds|sniffed|${name}|${svc.hostname}|s${push.serviceRevision(svc)}|${view.istioProxy ? 'i' : 'e'}|m${revisionOf(push.mesh)}|d${dr}|t${view.idleTimeout ?? ''}`;
}

/** Cache key of a route configuration assembled from virtual hosts with the given keys. */
export function routeConfigurationKey(name: string, push: PushContext, hostKeys: readonly string[]): string {
  return `rds|${name}|m${revisionOf(push.mesh)}|${shortHash(hostKeys.join('\n'))}`;
}

/**
 * Cache key of a sidecar's own (workload) resources of one kind (virtualInbound, inbound clusters):
 * the proxy class, namespace and selector signature, the mesh config, every service port the
 * workload serves with the service's source object and the DestinationRule seen from the workload,
 * and the mTLS modes of the PeerAuthentications selecting the workload (its inbound chains).
 */
export function workloadResourcesKey(kind: string, proxy: Proxy, push: PushContext): string {
  const served = [...new Set(proxy.ips.flatMap((ip) => push.servedAt(ip)))].sort().map((entry) => {
    const host = entry.slice(0, entry.indexOf('|'));
    const svc = push.serviceByHostname(host);
    return `${entry}@${svc ? push.serviceRevision(svc) : '-'}:${destinationRuleKey(push.destinationRule(proxy.namespace, host, proxy.labels))}`;
  });
  const mtls = push.peerAuthentication.forWorkload(proxy.namespace, proxy.labels).key;
  return `wl|${kind}|${clusterViewKey(proxy)}|n${proxy.namespace}|g${push.selectorSignature(proxy.labels)}|m${revisionOf(push.mesh)}|p${mtls}|${served.join(';')}`;
}

/**
 * Cache key of a sidecar's NDS name table: what `buildNameTable` reads, namely the services visible
 * to the proxy's namespace (each with its source object) and, for headless services, their
 * endpoints (addresses, readiness, Pods) with each Pod's `hostname`/`subdomain`. The namespace
 * itself is not part of it: namespaces that see the same services share one table.
 */
export function nameTableKey(view: Pick<ProxyView, 'namespace'>, push: PushContext): string {
  const parts = visibleServices(view, push).map((s) => {
    if (s.addresses.length > 0 || (s.cidrs ?? []).length > 0 || s.resolution !== 'Passthrough') return `${s.hostname}@${push.serviceRevision(s)}`;
    const pods = new Set<string>();
    for (const p of s.ports) {
      for (const e of push.endpoints(s.hostname, p.port)) {
        const spec = podByIp(push, s.namespace, e.address)?.body.spec;
        if (spec?.subdomain) pods.add(`${e.address}=${spec.hostname ?? ''}.${spec.subdomain}`);
      }
    }
    return `${s.hostname}@${push.serviceRevision(s)}:${s.ports.map((p) => push.endpointsFingerprint(s.hostname, p.port)).join(',')}:${[...pods].join(',')}`;
  });
  return `nds|${shortHash(parts.join('\n'))}`;
}

function serviceAccountsKey(service: ServiceModel, push: PushContext): string {
  let byHost = saPrints.get(push);
  if (!byHost) saPrints.set(push, (byHost = new Map()));
  let fp = byHost.get(service.hostname);
  if (fp === undefined) {
    const accounts = serviceAccountsOf(service, push);
    fp = accounts.length === 0 ? '' : shortHash(accounts.join(','));
    byHost.set(service.hostname, fp);
  }
  return fp;
}

const sourceLabelled = new WeakMap<VirtualServiceModel, boolean>();

/** True if any HTTP match of the VirtualService selects by `sourceLabels` (only then do its routes depend on the proxy's labels). */
function matchesBySourceLabels(vs: VirtualServiceModel): boolean {
  let b = sourceLabelled.get(vs);
  if (b === undefined) {
    b = vs.http.some((r) => (r.match ?? []).some((m) => m.sourceLabels !== undefined && Object.keys(m.sourceLabels).length > 0));
    sourceLabelled.set(vs, b);
  }
  return b;
}

/** Every destination and mirror host of a VirtualService's HTTP routes (delegates merged), resolved in its namespace. */
function destinationHosts(vs: VirtualServiceModel): string[] {
  const ns = vs.config.metadata.namespace;
  const out = new Set<string>();
  const add = (h: string | undefined): void => { if (h) out.add(resolveHost(h, ns)); };
  for (const r of vs.http as readonly HTTPRoute[]) {
    for (const d of r.route ?? []) add(d.destination?.host);
    add(r.mirror?.host);
    for (const m of r.mirrors ?? []) add(m.destination?.host);
  }
  return [...out].sort();
}
