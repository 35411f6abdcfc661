import { loadSharedCases } from './testing/shared-cases';
import { buildCapturePlan, buildDryRunTranscript, type IptablesConfig } from './index';

interface CaptureCase {
  name: string;
  config: Record<string, string | boolean | string[]>;
  expected: string;
}

/** Istio's Go config field name → ours. */
const GO_FIELDS: Record<string, keyof IptablesConfig> = {
  ProxyPort: 'proxyPort', InboundCapturePort: 'inboundCapturePort', InboundTunnelPort: 'inboundTunnelPort',
  ProxyUID: 'proxyUid', ProxyGID: 'proxyGid', InboundInterceptionMode: 'inboundInterceptionMode',
  InboundTProxyMark: 'inboundTProxyMark', InboundTProxyRouteTable: 'inboundTProxyRouteTable',
  InboundPortsInclude: 'inboundPortsInclude', InboundPortsExclude: 'inboundPortsExclude',
  OwnerGroupsInclude: 'ownerGroupsInclude', OwnerGroupsExclude: 'ownerGroupsExclude',
  OutboundPortsInclude: 'outboundPortsInclude', OutboundPortsExclude: 'outboundPortsExclude',
  OutboundIPRangesInclude: 'outboundIpRangesInclude', OutboundIPRangesExclude: 'outboundIpRangesExclude',
  RerouteVirtualInterfaces: 'rerouteVirtualInterfaces', ExcludeInterfaces: 'excludeInterfaces', DryRun: 'dryRun',
  SkipRuleApply: 'skipRuleApply', RunValidation: 'runValidation', RedirectDNS: 'redirectDns', DropInvalid: 'dropInvalid',
  CaptureAllDNS: 'captureAllDns', EnableIPv6: 'enableIpv6', DNSServersV4: 'dnsServersV4', DNSServersV6: 'dnsServersV6',
  NetworkNamespace: 'networkNamespace', HostFilesystemPodNetwork: 'hostFilesystemPodNetwork', DualStack: 'dualStack',
  HostIPv4LoopbackCidr: 'hostIpv4LoopbackCidr', Reconcile: 'reconcile', CleanupOnly: 'cleanupOnly',
  ForceApply: 'forceApply', NativeNftables: 'nativeNftables', ForceIptablesBinary: 'forceIptablesBinary',
};

function fromGoConfig(go: CaptureCase['config']): IptablesConfig {
  const out: Record<string, unknown> = { iptablesProbePort: '15002', probeTimeout: '5s' };
  for (const [k, v] of Object.entries(go)) {
    const field = GO_FIELDS[k];
    if (!field) throw new Error(`unmapped Go config field ${k}`);
    out[field] = v;
  }
  return out as unknown as IptablesConfig;
}

const cases = loadSharedCases<CaptureCase>('capture-cases.json');

describe('capture rules from the golden test config (capture-cases.json)', () => {
  it('has cases to check', () => {
    expect(cases.length).toBeGreaterThanOrEqual(14);
  });
  for (const c of cases) {
    it(`${c.name} matches Istio's golden byte for byte`, () => {
      const transcript = buildDryRunTranscript(buildCapturePlan(fromGoConfig(c.config)));
      expect(transcript).toBe(c.expected);
    });
  }
});
