import type { listenerV3 } from '@minipilot/envoy-api';
import { cidrContains, parseIp } from './ip.js';

/** What Envoy knows about a connection when it picks a filter chain. */
export interface ConnectionFacts {
  /** Original destination IP and port. */
  readonly address: string;
  readonly port: number;
  /** SNI, when visible. */
  readonly sni?: string;
  /** `tls` or `raw_buffer`. */
  readonly transportProtocol: string;
  /** ALPN values visible to the listener, in the client's preference order. */
  readonly alpn: readonly string[];
}

/** The outcome of {@link selectFilterChain}. */
export type FilterChainSelection =
  | { readonly chain: listenerV3.FilterChain; readonly isDefault: boolean }
  | { readonly error: 'no filter chain' | 'multiple filter chains' };

type Chain = listenerV3.FilterChain;
/** One sieve step: chains that match the connection with a specific value, best first; `[]` if none. */
type Step = (chains: readonly Chain[], facts: ConnectionFacts) => { specific: Chain[]; unset: Chain[] };

const m = (c: Chain): listenerV3.FilterChainMatch | undefined => c.filterChainMatch;

const destinationPort: Step = (chains, f) => ({
  specific: chains.filter((c) => m(c)?.destinationPort !== undefined && m(c)!.destinationPort === f.port),
  unset: chains.filter((c) => m(c)?.destinationPort === undefined),
});

const prefixRanges: Step = (chains, f) => {
  const ip = parseIp(f.address);
  const best = (c: Chain): number => {
    if (!ip) return -1;
    let len = -1;
    for (const r of m(c)?.prefixRanges ?? []) {
      const l = r.prefixLen ?? 0;
      if (cidrContains(r.addressPrefix, l, ip) && l > len) len = l;
    }
    return len;
  };
  const scored = chains.filter((c) => (m(c)?.prefixRanges.length ?? 0) > 0).map((c) => ({ c, len: best(c) })).filter((x) => x.len >= 0);
  const top = Math.max(-1, ...scored.map((x) => x.len));
  return { specific: scored.filter((x) => x.len === top).map((x) => x.c), unset: chains.filter((c) => (m(c)?.prefixRanges.length ?? 0) === 0) };
};

const serverNames: Step = (chains, f) => {
  const unset = chains.filter((c) => (m(c)?.serverNames.length ?? 0) === 0);
  const sni = f.sni;
  if (sni === undefined || sni === '') return { specific: [], unset };
  const has = (c: Chain, name: string): boolean => (m(c)?.serverNames ?? []).some((n) => n.toLowerCase() === name);
  const exact = chains.filter((c) => has(c, sni));
  if (exact.length) return { specific: exact, unset };
  // Longest wildcard first: a.b.example.com tries *.b.example.com, then *.example.com, then *.com.
  const labels = sni.split('.');
  for (let i = 1; i < labels.length; i++) {
    const wildcard = `*.${labels.slice(i).join('.')}`;
    const hits = chains.filter((c) => has(c, wildcard));
    if (hits.length) return { specific: hits, unset };
  }
  return { specific: [], unset };
};

const transportProtocol: Step = (chains, f) => ({
  specific: chains.filter((c) => (m(c)?.transportProtocol ?? '') !== '' && m(c)!.transportProtocol === f.transportProtocol),
  unset: chains.filter((c) => (m(c)?.transportProtocol ?? '') === ''),
});

const applicationProtocols: Step = (chains, f) => {
  const unset = chains.filter((c) => (m(c)?.applicationProtocols.length ?? 0) === 0);
  for (const proto of f.alpn) {
    const hits = chains.filter((c) => (m(c)?.applicationProtocols ?? []).includes(proto));
    if (hits.length) return { specific: hits, unset };
  }
  return { specific: [], unset };
};

/** Envoy's FilterChainMatch order (the source_* criteria are not evaluated: every chain passes them). */
const SIEVE: readonly Step[] = [destinationPort, prefixRanges, serverNames, transportProtocol, applicationProtocols];

/**
 * Picks the filter chain Envoy would use, re-implementing its FilterChainMatch sieve in order
 * destination_port → prefix_ranges (longest prefix) → server_names (exact, then longest wildcard)
 * → transport_protocol → application_protocols. At each step, if some chains match the connection
 * on that field only the best of them survive; otherwise the chains leaving the field unset remain.
 * No survivor → the default_filter_chain, else `no filter chain`; more than one → `multiple filter chains`.
 */
export function selectFilterChain(listener: listenerV3.Listener, facts: ConnectionFacts): FilterChainSelection {
  let chains: readonly Chain[] = listener.filterChains;
  for (const step of SIEVE) {
    if (chains.length === 0) break;
    const { specific, unset } = step(chains, facts);
    chains = specific.length > 0 ? specific : unset;
  }
  if (chains.length === 1) return { chain: chains[0]!, isDefault: false };
  if (chains.length > 1) return { error: 'multiple filter chains' };
  return listener.defaultFilterChain ? { chain: listener.defaultFilterChain, isDefault: true } : { error: 'no filter chain' };
}
