// Node ids istiod rejects are rejected here too, with istiod's messages.
import { parseProxy, ProxyIdError } from './proxy.js';

describe('parseProxy node id checks', () => {
  it.each([
    ['sidecar~~~', /^no valid IP address in the service node id or metadata/],
    ['sidecar~not-an-ip~app-0.default~default.svc.cluster.local', /^no valid IP address in the service node id or metadata/],
    ['sidecar~10.0.0.300~app-0.default~default.svc.cluster.local', /^no valid IP address/],
  ])('rejects %j', (id, message) => {
    expect(() => parseProxy({ id })).toThrow(ProxyIdError);
    expect(() => parseProxy({ id })).toThrow(message);
  });

  it('rejects INSTANCE_IPS with an entry that is not an IP, as istiod does', () => {
    expect(() => parseProxy({ id: 'sidecar~10.0.0.1~a.default~default.svc.cluster.local', metadata: { INSTANCE_IPS: '10.0.0.1,bogus' } }))
      .toThrow('Invalid IP address "bogus" in "10.0.0.1,bogus"');
  });

  it('takes the IPs from INSTANCE_IPS over the node id, IPv6 included', () => {
    const p = parseProxy({ id: 'sidecar~10.0.0.1~a.default~default.svc.cluster.local', metadata: { INSTANCE_IPS: 'fd00::1, 10.0.0.2' } });
    expect([p.ip, p.ips]).toEqual(['fd00::1', ['fd00::1', '10.0.0.2']]);
    expect(parseProxy({ id: 'router~10.0.0.9~gw.istio-system~istio-system.svc.cluster.local' }).ips).toEqual(['10.0.0.9']);
  });
});
