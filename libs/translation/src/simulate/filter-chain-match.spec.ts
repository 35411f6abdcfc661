import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { listenerV3 } from '@minipilot/envoy-api';
import { selectFilterChain, type ConnectionFacts } from './filter-chain-match.js';

type MatchInit = MessageInitShape<typeof listenerV3.FilterChainMatchSchema>;
const chain = (name: string, match?: MatchInit): listenerV3.FilterChain =>
  create(listenerV3.FilterChainSchema, { name, ...(match ? { filterChainMatch: match } : {}) });
const listener = (chains: listenerV3.FilterChain[], def?: listenerV3.FilterChain): listenerV3.Listener =>
  create(listenerV3.ListenerSchema, { name: 'l', filterChains: chains, ...(def ? { defaultFilterChain: def } : {}) });
const facts = (f: Partial<ConnectionFacts> = {}): ConnectionFacts => ({ address: '10.0.0.1', port: 80, transportProtocol: 'raw_buffer', alpn: [], ...f });
const pick = (l: listenerV3.Listener, f: Partial<ConnectionFacts> = {}): string => {
  const r = selectFilterChain(l, facts(f));
  return 'error' in r ? `error: ${r.error}` : r.chain.name;
};

describe('selectFilterChain (Envoy FilterChainMatch sieve)', () => {
  it('destination_port: a chain for the port beats chains without one; other ports never match', () => {
    const l = listener([chain('any'), chain('p80', { destinationPort: 80 }), chain('p81', { destinationPort: 81 })]);
    expect(pick(l, { port: 80 })).toBe('p80');
    expect(pick(l, { port: 9000 })).toBe('any');
    expect(pick(listener([chain('p81', { destinationPort: 81 })]), { port: 80 })).toBe('error: no filter chain');
  });

  it('prefix_ranges: the longest containing prefix wins, then chains without ranges', () => {
    const l = listener([
      chain('wide', { prefixRanges: [{ addressPrefix: '10.0.0.0', prefixLen: 8 }] }),
      chain('narrow', { prefixRanges: [{ addressPrefix: '10.0.0.0', prefixLen: 24 }] }),
      chain('v6', { prefixRanges: [{ addressPrefix: 'fd00::', prefixLen: 8 }] }),
      chain('none'),
    ]);
    expect(pick(l, { address: '10.0.0.9' })).toBe('narrow');
    expect(pick(l, { address: '10.9.0.9' })).toBe('wide');
    expect(pick(l, { address: 'fd00::1' })).toBe('v6');
    expect(pick(l, { address: '192.168.1.1' })).toBe('none');
    expect(pick(l, { address: 'not-an-ip' })).toBe('none');
  });

  it('server_names: exact beats wildcard, the longest wildcard wins, no SNI keeps only chains without names', () => {
    const l = listener([
      chain('exact', { serverNames: ['a.b.example.com'] }),
      chain('wild-long', { serverNames: ['*.b.example.com'] }),
      chain('wild-short', { serverNames: ['*.example.com'] }),
      chain('none'),
    ]);
    expect(pick(l, { sni: 'a.b.example.com' })).toBe('exact');
    expect(pick(l, { sni: 'c.b.example.com' })).toBe('wild-long');
    expect(pick(l, { sni: 'x.y.example.com' })).toBe('wild-short');
    expect(pick(l, { sni: 'other.org' })).toBe('none');
    expect(pick(l, {})).toBe('none');
    expect(pick(l, { sni: 'A.B.EXAMPLE.COM' })).toBe('none'); // facts carry lower-cased SNI; upper case is a different name
  });

  it('transport_protocol then application_protocols, in the client ALPN order', () => {
    const l = listener([
      chain('tls-istio', { transportProtocol: 'tls', applicationProtocols: ['istio-peer-exchange', 'istio'] }),
      chain('tls-h2', { transportProtocol: 'tls', applicationProtocols: ['h2'] }),
      chain('tls-any', { transportProtocol: 'tls' }),
      chain('plain-http', { transportProtocol: 'raw_buffer', applicationProtocols: ['http/1.1', 'h2c'] }),
      chain('plain'),
    ]);
    expect(pick(l, { transportProtocol: 'tls', alpn: ['istio', 'h2'] })).toBe('tls-istio');
    expect(pick(l, { transportProtocol: 'tls', alpn: ['h2', 'istio'] })).toBe('tls-h2');
    expect(pick(l, { transportProtocol: 'tls', alpn: ['http/1.1'] })).toBe('tls-any');
    expect(pick(l, { alpn: ['h2c'] })).toBe('plain-http');
    // No backtracking (as Envoy): raw_buffer already chose plain-http's branch, so a non-HTTP
    // connection does not fall back to the chain without a transport protocol.
    expect(pick(l, { alpn: [] })).toBe('error: no filter chain');
    expect(pick(listener([chain('plain-http', { applicationProtocols: ['http/1.1', 'h2c'] }), chain('plain')]), { alpn: [] })).toBe('plain');
  });

  it('earlier criteria decide before later ones: a port match beats a better SNI match on another chain', () => {
    const l = listener([chain('port', { destinationPort: 443 }), chain('sni', { serverNames: ['a.com'] })]);
    expect(pick(l, { port: 443, sni: 'a.com' })).toBe('port');
  });

  it('falls back to default_filter_chain, else no filter chain; ties are multiple filter chains', () => {
    const http = chain('http', { applicationProtocols: ['http/1.1'] });
    expect(pick(listener([http], chain('PassthroughFilterChain')), { alpn: [] })).toBe('PassthroughFilterChain');
    expect(pick(listener([http]), { alpn: [] })).toBe('error: no filter chain');
    expect(pick(listener([], chain('')), {})).toBe('');
    expect(pick(listener([chain('a'), chain('b')]))).toBe('error: multiple filter chains');
    expect(pick(listener([chain('a', { destinationPort: 80 }), chain('b', { destinationPort: 80 })]))).toBe('error: multiple filter chains');
  });
});
