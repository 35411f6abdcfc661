import type { coreV3, listenerV3 } from '@minipilot/envoy-api';
import { parseIp } from '../simulate/ip.js';

/** A CIDR range masked to its prefix (`10.1.2.3/8` and `10.9.9.9/8` are the same range); undefined for the unspecified address. */
function maskedRange(r: coreV3.CidrRange): string | undefined {
  const ip = parseIp(r.addressPrefix);
  if (!ip) return `${r.addressPrefix}/${r.prefixLen ?? 0}`;
  if (ip.value === 0n) return undefined;
  const len = r.prefixLen ?? ip.bits;
  const shift = BigInt(ip.bits - Math.min(len, ip.bits));
  return `${ip.bits}:${(ip.value >> shift).toString(16)}/${len}`;
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => a.size === b.size && [...a].every((x) => b.has(x));

/**
 * True when two filter chains of one listener match the same connections, so the later one could
 * never be chosen and Envoy would reject the pair (istiod filterChainOpts.conflictsWith): same
 * transport protocol, same ALPN list, same SNI set (`*` ignored) and same CIDR set (masked; the
 * unspecified address ignored).
 */
export function chainsConflict(a: listenerV3.FilterChain, b: listenerV3.FilterChain): boolean {
  const ma = a.filterChainMatch;
  const mb = b.filterChainMatch;
  if ((ma?.transportProtocol ?? '') !== (mb?.transportProtocol ?? '')) return false;
  const alpnA = ma?.applicationProtocols ?? [];
  const alpnB = mb?.applicationProtocols ?? [];
  if (alpnA.length !== alpnB.length || alpnA.some((p, i) => p !== alpnB[i])) return false;
  const sni = (m: listenerV3.FilterChainMatch | undefined) => new Set((m?.serverNames ?? []).filter((s) => s !== '*'));
  if (!sameSet(sni(ma), sni(mb))) return false;
  const cidrs = (m: listenerV3.FilterChainMatch | undefined) => new Set((m?.prefixRanges ?? []).flatMap((r) => maskedRange(r) ?? []));
  return sameSet(cidrs(ma), cidrs(mb));
}

/**
 * Adds `incoming` chains to `current` as istiod's mergeTCPFilterChains merges the chains of several
 * services on one listener: a chain conflicting with one already there is dropped (the first
 * service keeps it), the others are appended.
 */
export function mergeFilterChains(current: listenerV3.FilterChain[], incoming: readonly listenerV3.FilterChain[]): void {
  for (const chain of incoming) if (!current.some((c) => chainsConflict(c, chain))) current.push(chain);
}
