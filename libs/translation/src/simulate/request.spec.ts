import { normalizeSimulationRequest, parseSimulationRequest, splitHostPort } from './request.js';

describe('parseSimulationRequest', () => {
  it('accepts every documented field', () => {
    const r = { address: '10.0.0.1', port: 9080, protocol: 'http2', tls: 'mtls', host: 'reviews', path: '/', method: 'GET', headers: { a: 'b' }, sni: 'x', alpn: ['h2'], mode: 'inbound' };
    expect(parseSimulationRequest(r)).toEqual({ ok: true, request: r });
  });

  it('names each bad or unknown field', () => {
    const r = parseSimulationRequest({ port: 0, protocol: 'udp', tls: 'yes', headers: { a: 1 }, alpn: 3, hots: 'x', mode: 'sideways' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([
      'request.hots: unknown field (known: address, port, protocol, tls, host, path, method, headers, sni, alpn, mode)',
      'request.port: must be an integer 1-65535',
      'request.protocol: must be one of http, http2, grpc, tcp',
      'request.tls: must be one of none, tls, mtls',
      'request.mode: must be outbound or inbound',
      'request.headers: must be an object of string values',
      'request.alpn: must be a string or an array of strings',
    ]);
    expect(parseSimulationRequest([1])).toEqual({ ok: false, errors: ['request must be a JSON object'] });
  });
});

describe('normalizeSimulationRequest', () => {
  it('applies Istio-like defaults and derives the port and SNI from the host', () => {
    const n = normalizeSimulationRequest({ host: 'Reviews:9080' });
    expect(n).toMatchObject({ address: '1.3.3.7', port: 9080, protocol: 'http', tls: 'none', host: 'reviews', authority: 'Reviews:9080', path: '/', method: 'GET', alpn: [], mode: 'outbound' });
    expect(n.sni).toBeUndefined();
    expect(normalizeSimulationRequest({ tls: 'tls', host: 'a.com' })).toMatchObject({ port: 443, sni: 'a.com' });
    expect(normalizeSimulationRequest({})).toMatchObject({ port: 80 });
  });

  it('builds pseudo-headers; grpc is a POST with content-type application/grpc', () => {
    const n = normalizeSimulationRequest({ protocol: 'grpc', port: 50051, host: 'svc', path: '/pkg.Svc/Call', headers: { 'X-A': 'b', Host: 'ignored' } });
    expect(Object.fromEntries(n.headers)).toEqual({ 'x-a': 'b', ':authority': 'svc', ':method': 'POST', ':path': '/pkg.Svc/Call', ':scheme': 'http', 'content-type': 'application/grpc' });
    expect(normalizeSimulationRequest({ headers: { host: 'from-header:81' } })).toMatchObject({ host: 'from-header', port: 81 });
    expect(normalizeSimulationRequest({ alpn: 'h2, http/1.1' }).alpn).toEqual(['h2', 'http/1.1']);
  });

  it('splits host and port, IPv6 included', () => {
    expect(splitHostPort('a:1')).toEqual({ host: 'a', port: 1 });
    expect(splitHostPort('[fd00::1]:8080')).toEqual({ host: '[fd00::1]', port: 8080 });
    expect(splitHostPort('fd00::1')).toEqual({ host: 'fd00::1' });
    expect(splitHostPort('a')).toEqual({ host: 'a' });
  });
});
