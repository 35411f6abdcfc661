import {
  applyHostInputs, buildCapturePlan, decideEnableIpv6, findStateDrift, hasResidue, parseAddress, parseCaptureState,
  parsePrefix, parseResolvConf, resolveIptablesFlags, validateIptablesConfig, type IptablesConfig,
} from './index';

function resolve(flags: Record<string, string | boolean>, env: Record<string, string> = {}): IptablesConfig {
  const r = resolveIptablesFlags(flags, env);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.config;
}

describe('addresses and prefixes (Go netip canonical form)', () => {
  it.each([
    ['::127.0.0.53', '::7f00:35'], ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'], ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['::ffff:10.1.2.3', '::ffff:10.1.2.3'], ['10.0.0.1', '10.0.0.1'],
  ])('%s prints as %s', (input, want) => {
    expect(parseAddress(input)?.text).toBe(want);
  });
  it.each(['01.2.3.4', '1.2.3', '256.1.1.1', 'fe80::1%eth0', '1::2::3', 'abc'])('%s is not an address', (input) => {
    expect(parseAddress(input)).toBeUndefined();
  });
  it('keeps host bits and rejects bad lengths', () => {
    expect(parsePrefix('127.1.2.3/32')?.text).toBe('127.1.2.3/32');
    expect(parsePrefix('2001:0db8::/32')?.text).toBe('2001:db8::/32');
    expect(parsePrefix('10.0.0.0/33')).toBeUndefined();
    expect(parsePrefix('10.0.0.0')).toBeUndefined();
  });
});

describe('flag and env resolution (istio pkg/flag semantics)', () => {
  it('uses the defaults with no flags and no env', () => {
    const c = resolve({});
    expect([c.proxyPort, c.inboundCapturePort, c.inboundTunnelPort, c.ownerGroupsInclude]).toEqual(['15001', '15006', '15008', '*']);
  });
  it('an env var applies, an "also" env var overrides it, an explicit flag overrides both', () => {
    expect(resolve({}, { INBOUND_CAPTURE_PORT: '16006' }).inboundCapturePort).toBe('16006');
    expect(resolve({}, { REDIRECT_DNS: 'true', ISTIO_META_DNS_CAPTURE: 'false' }).redirectDns).toBe(false);
    expect(resolve({ 'redirect-dns': true }, { ISTIO_META_DNS_CAPTURE: 'false' }).redirectDns).toBe(true);
    expect(resolve({ 'inbound-capture-port': '17006' }, { INBOUND_CAPTURE_PORT: '16006' }).inboundCapturePort).toBe('17006');
  });
  it('-p has no env binding', () => {
    expect(resolve({}, { ENVOY_PORT: '1' }).proxyPort).toBe('15001');
  });
  it('reports a non-boolean env value for a bool flag', () => {
    const r = resolveIptablesFlags({}, { DRY_RUN: 'yes' });
    expect(r.ok).toBe(false);
  });
  it('UID defaults to $ENVOY_USER\'s uid, else 1337; GID defaults to the UID', () => {
    expect(applyHostInputs(resolve({}), { enableIpv6: false, dnsServers: [] }).proxyGid).toBe('1337');
    const c = applyHostInputs(resolve({}), { enableIpv6: false, dnsServers: [], envoyUserUid: '101' });
    expect([c.proxyUid, c.proxyGid]).toEqual(['101', '101']);
  });
  it('name servers are used only with --redirect-dns and without --capture-all-dns, canonicalised by family', () => {
    const host = { enableIpv6: true, dnsServers: ['10.0.0.10', '::127.0.0.53', 'junk'] };
    expect(applyHostInputs(resolve({}), host).dnsServersV4).toEqual([]);
    const c = applyHostInputs(resolve({ 'redirect-dns': true }), host);
    expect([c.dnsServersV4, c.dnsServersV6]).toEqual([['10.0.0.10'], ['::7f00:35']]);
    expect(applyHostInputs(resolve({ 'redirect-dns': true, 'capture-all-dns': true }), host).dnsServersV4).toEqual([]);
  });
  it('parses resolv.conf nameserver lines', () => {
    expect(parseResolvConf('# c\nnameserver 10.0.0.10\nsearch x\nnameserver  ::1 # local\n')).toEqual(['10.0.0.10', '::1']);
  });
});

describe('IPv6 detection from host addresses', () => {
  const a = (...xs: string[]): { address: string }[] => xs.map((address) => ({ address }));
  it('first usable address decides; loopback and link-local are skipped', () => {
    expect(decideEnableIpv6(a('127.0.0.1', 'fe80::1', '10.0.0.2', '2001:db8::2'), false)).toBe(false);
    expect(decideEnableIpv6(a('::1', '169.254.0.1', '2001:db8::2', '10.0.0.2'), false)).toBe(true);
  });
  it('dual-stack enables IPv6 when any usable IPv6 address exists', () => {
    expect(decideEnableIpv6(a('10.0.0.2', '2001:db8::2'), true)).toBe(true);
    expect(decideEnableIpv6(a('10.0.0.2', 'fe80::2'), true)).toBe(false);
  });
  it('no usable address is undefined (fatal in istio-iptables)', () => {
    expect(decideEnableIpv6(a('127.0.0.1', '::1'), false)).toBeUndefined();
  });
});

describe('validation', () => {
  const valid = (): IptablesConfig => applyHostInputs(resolve({}), { enableIpv6: false, dnsServers: [] });
  it('accepts the defaults', () => {
    expect(validateIptablesConfig(valid())).toEqual([]);
  });
  it('rejects a non-loopback ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR and accepts 127.0.0.1/8', () => {
    expect(validateIptablesConfig({ ...valid(), hostIpv4LoopbackCidr: '10.0.0.1/32' })).toHaveLength(1);
    expect(validateIptablesConfig({ ...valid(), hostIpv4LoopbackCidr: '127.0.0.1/8' })).toEqual([]);
  });
  it('accepts port ranges and rejects bad ones', () => {
    expect(validateIptablesConfig({ ...valid(), outboundPortsExclude: '8000:9000,53' })).toEqual([]);
    expect(validateIptablesConfig({ ...valid(), outboundPortsExclude: '0' })).toHaveLength(1);
  });
});

describe('state inspection (idempotent apply)', () => {
  const plan = buildCapturePlan(applyHostInputs(resolve({ 'istio-service-cidr': '*' }), { enableIpv6: false, dnsServers: [] }));
  const save = (rules: string): string => `*nat\n:PREROUTING ACCEPT [0:0]\n${rules}COMMIT\n`;
  it('a clean dump has no residue', () => {
    expect(hasResidue(parseCaptureState(save('')))).toBe(false);
  });
  it('the applied rule set has residue and no drift', () => {
    const applied = plan.restoreV4.replace('* nat\n', '').replace(/^-N (\S+)$/gm, ':$1 - [0:0]').replace('COMMIT\n', '');
    const state = parseCaptureState(save(applied));
    expect(hasResidue(state)).toBe(true);
    expect(findStateDrift(state, plan.rulesV4)).toEqual([]);
  });
  it('an extra chain or a missing rule is drift', () => {
    const state = parseCaptureState(save(':ISTIO_OUTPUT - [0:0]\n:ISTIO_OLD - [0:0]\n-A ISTIO_OUTPUT -j RETURN\n'));
    const drift = findStateDrift(state, plan.rulesV4);
    expect(drift).toContain('unexpected chain nat/ISTIO_OLD');
    expect(drift).toContain('chain nat/ISTIO_OUTPUT has 1 rules, expected 9');
    expect(drift).toContain('chain nat/ISTIO_REDIRECT is missing');
  });
});
