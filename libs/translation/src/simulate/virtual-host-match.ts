import type { routeV3 } from '@minipilot/envoy-api';
import { splitHostPort } from './request.js';

/**
 * Picks the virtual host for a Host header as Envoy does: an exact domain, then the longest suffix
 * wildcard (`*.example.com`, `*-bar.com`), then the longest prefix wildcard (`foo.*`), then `*`.
 * Domains compare case-insensitively; a wildcard stands for at least one character. With
 * `stripPort` the port is removed from the host first (ignore_port_in_host_matching or the HCM's
 * strip options).
 */
export function selectVirtualHost(vhosts: readonly routeV3.VirtualHost[], authority: string, stripPort: boolean): routeV3.VirtualHost | undefined {
  const host = (stripPort ? splitHostPort(authority).host : authority).toLowerCase();
  const domains = vhosts.flatMap((vh) => vh.domains.map((d) => ({ vh, d: d.toLowerCase() })));
  const exact = domains.find((x) => x.d === host);
  if (exact) return exact.vh;
  const longest = (cands: { vh: routeV3.VirtualHost; d: string }[]): routeV3.VirtualHost | undefined =>
    cands.reduce<{ vh: routeV3.VirtualHost; d: string } | undefined>((best, x) => (!best || x.d.length > best.d.length ? x : best), undefined)?.vh;
  const suffix = longest(domains.filter((x) => x.d.length > 1 && x.d.startsWith('*') && host.length > x.d.length - 1 && host.endsWith(x.d.slice(1))));
  if (suffix) return suffix;
  const prefix = longest(domains.filter((x) => x.d.length > 1 && x.d.endsWith('*') && host.length > x.d.length - 1 && host.startsWith(x.d.slice(0, -1))));
  return prefix ?? domains.find((x) => x.d === '*')?.vh;
}
