import type { routeV3 } from '@minipilot/envoy-api';
import { virtualHost } from '../builders/route.js';
import { buildHttpRoutes } from '../routes/http-route.js';
import { virtualServiceForHost } from './virtual-service-for-host.js';
import type { PushContext, VirtualServiceModel } from '../model/push-context.js';
import type { ServiceModel } from '../model/service.js';
import type { ProxyView } from '../proxy.js';
import { virtualServiceHostKey, type ResourceMemo } from '../cache-keys.js';

/**
 * True when two hosts overlap, either of them possibly a wildcard (istiod host.Name.Matches):
 * `*.example.com` overlaps `a.example.com` and `*.a.example.com`; two plain hosts only when equal.
 */
export function hostsOverlap(a: string, b: string): boolean {
  const wa = a.startsWith('*');
  const wb = b.startsWith('*');
  if (wa && wb) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (wa) return b.endsWith(a.slice(1));
  if (wb) return a.endsWith(b.slice(1));
  return a === b;
}

/** A memoized virtual host and its cache key. */
export interface KeyedVirtualHost {
  readonly key: string;
  readonly host: routeV3.VirtualHost;
}

/** The services of one port, indexed for host lookups (most hosts are plain names; wildcards are few). */
interface PortServices {
  readonly all: readonly ServiceModel[];
  readonly names: ReadonlySet<string>;
  readonly wildcards: readonly ServiceModel[];
}

/** True when some service of the port overlaps `host` (istiod host.Name.Matches). */
function overlapsService(host: string, s: PortServices): boolean {
  if (host.startsWith('*')) return s.all.some((svc) => hostsOverlap(svc.hostname, host));
  return s.names.has(host) || s.wildcards.some((svc) => hostsOverlap(svc.hostname, host));
}

/**
 * The hosts of `vs` that are no service on the port, and whether it routes some service there
 * (istiod route.go separateVSHostsAndServices): a plain host is a registry service or not; a
 * wildcard host overlapping a service is never a host of its own, and claims that service only
 * when it is the service's VirtualService (exact host first, else the most specific wildcard).
 */
function splitHosts(proxy: ProxyView, push: PushContext, vs: VirtualServiceModel, services: PortServices): { plain: string[]; claims: boolean } {
  const plain: string[] = [];
  let claims = false;
  for (const h of vs.hosts) {
    if (!h.startsWith('*')) {
      if (services.names.has(h)) claims = true;
      else plain.push(h);
      continue;
    }
    const overlapping = services.all.filter((s) => hostsOverlap(s.hostname, h));
    if (overlapping.length === 0) plain.push(h.toLowerCase());
    else if (overlapping.some((s) => virtualServiceForHost(proxy, push, s.hostname) === vs)) claims = true;
  }
  return { plain, claims };
}

/**
 * The virtual hosts a sidecar's route configuration for `port` gets for VirtualService hosts that
 * are no service on the port, as istiod's BuildSidecarOutboundVirtualHosts makes them: named
 * `<host>:<port>`, domain the host as written, the VirtualService's routes. On port 80 every
 * VirtualService bound to `mesh` and visible to the proxy takes part (istiod's port-80 "hack"); on
 * other ports only one that routes a service on the port. Oldest VirtualService first; the caller
 * drops duplicate names and domains (first wins). `services` are the port's HTTP and sniffed services.
 */
export function virtualServiceOnlyHosts(proxy: ProxyView, push: PushContext, port: number, services: readonly ServiceModel[], warn: (message: string) => void, memo: ResourceMemo): KeyedVirtualHost[] {
  const out: KeyedVirtualHost[] = [];
  const indexed: PortServices = { all: services, names: new Set(services.map((s) => s.hostname)), wildcards: services.filter((s) => s.hostname.startsWith('*')) };
  for (const vs of push.virtualServices) {
    if (!vs.gateways.includes('mesh') || !push.visibleTo(vs.exportTo, vs.config.metadata.namespace, proxy.namespace)) continue;
    if (port !== 80 && !vs.hosts.some((h) => overlapsService(h, indexed))) continue;
    const { plain, claims } = splitHosts(proxy, push, vs, indexed);
    if (plain.length === 0 || (port !== 80 && !claims)) continue;
    for (const h of plain) {
      const key = virtualServiceHostKey(proxy, push, h, port, vs);
      const host = memo(key, () => virtualHost(`${h}:${port}`, [h], buildHttpRoutes({ push, proxy, vs, gateway: 'mesh', port, grpc: false, onProblem: warn }), true));
      // A VirtualService none of whose routes applies on this port makes no virtual host (BuildHTTPRoutesForVirtualService).
      if (host.routes.length > 0) out.push({ key, host });
    }
  }
  return out;
}
