import type { routeV3 } from '@minipilot/envoy-api';

/**
 * istiod's MoreSpecific order of hostnames (pkg/config/host Names.Less): non-wildcards before
 * wildcards, then longest first, then alphabetically.
 */
export function moreSpecificFirst(a: string, b: string): number {
  const wa = a.startsWith('*');
  const wb = b.startsWith('*');
  if (wa !== wb) return wa ? 1 : -1;
  if (a.length !== b.length) return b.length - a.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Collapses a gateway route configuration's virtual hosts whose route lists are the same routes
 * (built once per Gateway and VirtualService, so identity is equality) and whose `require_tls`
 * agrees, as istiod does by default (gateway.go collapseDuplicateRoutes,
 * PILOT_ENABLE_ROUTE_COLLAPSE_OPTIMIZATION=true): hosts are visited most specific first and a host
 * whose routes equal an earlier one's adds its domains to that earlier (primary) virtual host.
 * `hosts` maps each hostname to its virtual host; the result keeps the primaries.
 */
export function collapseDuplicateRoutes(hosts: ReadonlyMap<string, routeV3.VirtualHost>): routeV3.VirtualHost[] {
  const ids = new Map<routeV3.Route, number>();
  const idOf = (r: routeV3.Route): number => {
    let id = ids.get(r);
    if (id === undefined) ids.set(r, (id = ids.size));
    return id;
  };
  const primaries = new Map<string, routeV3.VirtualHost>();
  const out: routeV3.VirtualHost[] = [];
  for (const host of [...hosts.keys()].sort(moreSpecificFirst)) {
    const vh = hosts.get(host)!;
    const key = `${vh.requireTls}|${vh.routes.map(idOf).join(',')}`;
    const primary = primaries.get(key);
    if (primary) primary.domains.push(...vh.domains);
    else {
      primaries.set(key, vh);
      out.push(vh);
    }
  }
  return out;
}
