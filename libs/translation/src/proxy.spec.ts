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

// istiod's setTopologyLabels (pilot/pkg/xds/ads.go): labels first, the Envoy node's locality as fallback.
describe('proxy locality', () => {
  const id = 'sidecar~10.0.0.1~a-0.default~default.svc.cluster.local';
  it('falls back to node.locality and adds its topology labels to the proxy labels (AugmentLabels)', () => {
    const p = parseProxy({ id, metadata: { LABELS: { app: 'a' } }, locality: { region: 'us-east', zone: 'us-east-1a', subZone: '' } });
    expect(p.locality).toEqual({ region: 'us-east', zone: 'us-east-1a', subZone: '' });
    expect(p.labels).toEqual({ app: 'a', 'topology.kubernetes.io/region': 'us-east', 'topology.kubernetes.io/zone': 'us-east-1a' });
  });

  it('prefers the topology labels over node.locality (localityFromProxyLabels)', () => {
    const p = parseProxy({ id, metadata: { LABELS: { 'topology.kubernetes.io/region': 'eu', 'topology.istio.io/subzone': 'rack-1' } }, locality: { region: 'us-east' } });
    expect(p.locality).toEqual({ region: 'eu', zone: '', subZone: 'rack-1' });
  });

  it('reads the istio-locality label (dots as separators) when no topology label is set', () => {
    expect(parseProxy({ id, metadata: { LABELS: { 'istio-locality': 'us-west.zone-b.rack-2' } } }).locality).toEqual({ region: 'us-west', zone: 'zone-b', subZone: 'rack-2' });
  });

  it('is empty without labels or node locality, and adds no label', () => {
    const p = parseProxy({ id, metadata: { LABELS: { app: 'a' } } });
    expect(p.locality).toEqual({ region: '', zone: '', subZone: '' });
    expect(p.labels).toEqual({ app: 'a' });
  });
});
