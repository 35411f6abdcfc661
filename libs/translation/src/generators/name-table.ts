import { create } from '@bufbuild/protobuf';
import { ndsV1 } from '@minipilot/envoy-api';
import type { PushContext } from '../model/push-context.js';
import type { ServiceModel } from '../model/service.js';
import type { ProxyView } from '../proxy.js';
import { isIpAddress } from './endpoints.js';
import { visibleServices } from './outbound-cluster-refs.js';
import { podByIp } from './service-identity.js';

type NameInfo = ndsV1.NameTable_NameInfo;

/** Kubernetes multi-cluster services' domain: its hosts get no shortname/namespace (istiod constants.DefaultClusterSetLocalDomain). */
const CLUSTERSET_SUFFIX = '.svc.clusterset.local';

/**
 * istio-agent's DNS name table for a sidecar (istiod's `BuildNameTable`, pkg/dns/server/name_table.go):
 * every service visible to the proxy's namespace with its IPs, so the agent's DNS proxy can answer.
 * - A service with VIPs (ClusterIP, ServiceEntry `addresses`) maps to them; CIDR addresses are not
 *   IPs and are left out, so a CIDR-only or otherwise address-less service is skipped, except:
 * - a headless one (no address at all, resolution Passthrough, at least one port) maps to its ready
 *   endpoint IPs (every port, each IP once; not-ready ones too with `publishNotReadyAddresses`), and
 *   each Pod with `spec.subdomain` also gets `<hostname>.<subdomain>.<rest of the service host>`
 *   (`spec.hostname`, else the Pod name: StatefulSet pods, `mysql-0.mysql.default.svc.cluster.local`).
 * - Kubernetes entries carry `namespace` and `shortname` (the agent answers `a`, `a.ns`, `a.ns.svc`).
 * - On a host collision a Kubernetes service replaces a non-Kubernetes entry, non-Kubernetes
 *   addresses merge, and nothing replaces a Kubernetes entry.
 * Wildcard hosts are not special (a `*.example.com` ServiceEntry with an address is listed, as in
 * istiod's "wildcard service pods" case); the one table is the type's one resource, named ''.
 */
export function buildNameTable(view: ProxyView, push: PushContext): ndsV1.NameTable {
  const table: Record<string, NameInfo> = {};
  for (const svc of visibleServices(view, push)) {
    const ips = svc.addresses.filter(isIpAddress);
    const headless = svc.addresses.length === 0 && (svc.cidrs ?? []).length === 0;
    if (headless && svc.resolution === 'Passthrough' && svc.ports.length > 0) ips.push(...headlessIps(svc, push, table));
    if (ips.length === 0) continue;
    const existing = table[svc.hostname];
    if (!existing) table[svc.hostname] = nameInfo(svc, ips);
    else if (existing.registry !== 'Kubernetes') table[svc.hostname] = svc.registry === 'Kubernetes' ? nameInfo(svc, ips) : { ...existing, ips: [...existing.ips, ...ips] };
  }
  return create(ndsV1.NameTableSchema, { table });
}

function nameInfo(svc: ServiceModel, ips: readonly string[]): NameInfo {
  const kube = svc.registry === 'Kubernetes' && !svc.hostname.endsWith(CLUSTERSET_SUFFIX);
  return create(ndsV1.NameTable_NameInfoSchema, { ips: [...ips], registry: svc.registry, ...(kube ? { namespace: svc.namespace, shortname: svc.name } : {}) });
}

/** A headless service's endpoint IPs; writes the per-pod `<hostname>.<subdomain>` entries into `table`. */
function headlessIps(svc: ServiceModel, push: PushContext, table: Record<string, NameInfo>): string[] {
  const publishNotReady = svc.registry === 'Kubernetes' && push.config.get('Service', svc.namespace, svc.name)?.spec.publishNotReadyAddresses === true;
  const domain = svc.hostname.slice(svc.hostname.indexOf('.') + 1);
  const seen = new Set<string>();
  const podHosts = new Map<string, NameInfo>();
  for (const port of svc.ports) {
    for (const e of push.endpoints(svc.hostname, port.port)) {
      if (!isIpAddress(e.address) || (!e.healthy && !publishNotReady) || seen.has(e.address)) continue;
      seen.add(e.address);
      const pod = svc.registry === 'Kubernetes' ? podByIp(push, svc.namespace, e.address) : undefined;
      const subdomain = pod?.body.spec?.subdomain;
      if (pod && subdomain && svc.hostname.includes('.')) {
        const shortname = `${pod.body.spec?.hostname || pod.metadata.name}.${subdomain}`;
        const host = `${shortname}.${domain}`;
        const entry = podHosts.get(host);
        if (entry) entry.ips.push(e.address);
        else podHosts.set(host, create(ndsV1.NameTable_NameInfoSchema, { ips: [e.address], registry: svc.registry, namespace: svc.namespace, shortname }));
      }
    }
  }
  for (const [host, info] of podHosts) table[host] = info;
  return [...seen];
}
